package io.kitevend.report;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Checks a report's outputs the way a consumer would: JSON against the shipped schema, HTML with an XML parser. */
public final class ReportChecks {
    public static final String XHTML = "http://www.w3.org/1999/xhtml";
    public static final String SVG = "http://www.w3.org/2000/svg";

    private ReportChecks() {}

    public static String schemaText() {
        try (InputStream in = ReportJson.class.getResourceAsStream(ReportJson.SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("report.schema.json is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Schema violations of {@code json}, as messages; empty when valid. */
    public static List<String> schemaErrors(String json) {
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(schemaText(), InputFormat.JSON);
        List<String> out = new ArrayList<>();
        for (Error e : schema.validate(json, InputFormat.JSON)) {
            out.add(e.toString());
        }
        return out;
    }

    /** Parses the page as XML (namespace-aware, no DTDs or external entities); fails when it is not well-formed. */
    public static Document parseXhtml(String html) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            return b.parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new AssertionError("the report page is not well-formed XML: " + e.getMessage(), e);
        }
    }

    /** The page's SVG elements by id, each with its title. */
    public static Map<String, String> charts(Document page) {
        Map<String, String> out = new TreeMap<>();
        NodeList svgs = page.getElementsByTagNameNS(SVG, "svg");
        for (int i = 0; i < svgs.getLength(); i++) {
            Element svg = (Element) svgs.item(i);
            NodeList titles = svg.getElementsByTagNameNS(SVG, "title");
            out.put(
                    svg.getAttribute("id"),
                    titles.getLength() == 0 ? "" : titles.item(0).getTextContent());
        }
        return out;
    }

    /** The bars of a horizontal bar chart: the {@code rect} elements of the SVG with this id. */
    public static int rects(Document page, String svgId) {
        NodeList svgs = page.getElementsByTagNameNS(SVG, "svg");
        for (int i = 0; i < svgs.getLength(); i++) {
            Element svg = (Element) svgs.item(i);
            if (svg.getAttribute("id").equals(svgId)) {
                return svg.getElementsByTagNameNS(SVG, "rect").getLength();
            }
        }
        throw new AssertionError("no svg with id " + svgId);
    }

    /** Every external reference (src, href, link, script) in the page; a self-contained page has none. */
    public static List<String> externalReferences(Document page) {
        List<String> out = new ArrayList<>();
        for (String tag : List.of("script", "link", "img", "iframe", "object", "embed")) {
            NodeList l = page.getElementsByTagNameNS(XHTML, tag);
            for (int i = 0; i < l.getLength(); i++) {
                out.add("<" + tag + ">");
            }
        }
        NodeList all = page.getElementsByTagNameNS("*", "*");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            for (String attr : List.of("src", "href")) {
                if (e.hasAttribute(attr)) {
                    out.add(e.getTagName() + " " + attr + "=" + e.getAttribute(attr));
                }
            }
            if (e.hasAttributeNS("http://www.w3.org/1999/xlink", "href")) {
                out.add(e.getTagName() + " xlink:href");
            }
        }
        return out;
    }
}
