package io.spectracache.errors;

/**
 * This client may not make this request: retrying as is cannot succeed. Ask from a client the instance accepts, or
 * change the instance's access settings; the message says which.
 */
public final class AccessDeniedException extends SpectraException {
    private static final long serialVersionUID = 1L;

    public AccessDeniedException(String message) {
        super(ErrorCode.FORBIDDEN, message);
    }
}
