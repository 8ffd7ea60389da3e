package io.kitevend.admin;

/**
 * Who makes a change, for its audit record: the request, the principal (an IAM ARN or
 * {@code jwt:ISSUER#SUBJECT}) and where the request came from.
 */
public record Actor(String requestId, String principal, String sourceIp, String userAgent) {}
