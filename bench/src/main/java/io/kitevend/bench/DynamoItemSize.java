package io.kitevend.bench;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The size of an item as DynamoDB counts it for write units (AWS's "Item sizes and formats"): every
 * attribute name in UTF-8 plus its value: strings in UTF-8, binaries as bytes, numbers about one
 * byte per two significant digits plus one, booleans and nulls one byte, lists and maps three
 * bytes plus one per element plus their elements, sets the sum of their elements.
 */
final class DynamoItemSize {
    private DynamoItemSize() {}

    static long of(Map<String, AttributeValue> item) {
        long size = 0;
        for (var e : item.entrySet()) {
            size += utf8(e.getKey()) + value(e.getValue());
        }
        return size;
    }

    private static long value(AttributeValue v) {
        return switch (v.type()) {
            case S -> utf8(v.s());
            case N -> number(v.n());
            case B -> v.b().asByteArray().length;
            case BOOL, NUL -> 1;
            case SS -> v.ss().stream().mapToLong(DynamoItemSize::utf8).sum();
            case NS -> v.ns().stream().mapToLong(DynamoItemSize::number).sum();
            case BS -> v.bs().stream().mapToLong(b -> b.asByteArray().length).sum();
            case L -> 3 + v.l().stream().mapToLong(x -> 1 + value(x)).sum();
            case M -> 3 + of(v.m()) + v.m().size();
            case UNKNOWN_TO_SDK_VERSION -> throw new IllegalArgumentException("unknown attribute type");
        };
    }

    private static long number(String n) {
        BigDecimal d = new BigDecimal(n).stripTrailingZeros();
        int digits = d.signum() == 0 ? 1 : d.precision();
        return (digits + 1) / 2 + 1;
    }

    private static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
