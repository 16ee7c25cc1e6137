package io.spectracache.errors;


/** The request itself is wrong (a parameter, a token, a body): fix it, retrying as is cannot succeed. */
public final class InvalidRequestException extends SpectraException {
    private static final long serialVersionUID = 1L;

    public InvalidRequestException(String message) {
        super(ErrorCode.BAD_REQUEST, message);
    }

    private InvalidRequestException(ErrorCode code, String message) {
        super(code, message);
    }

    /** The request body is larger than this endpoint accepts. */
    public static InvalidRequestException tooLarge(String message) {
        return new InvalidRequestException(ErrorCode.PAYLOAD_TOO_LARGE, message);
    }
}
