package io.spectracache.errors;


/** What was asked for does not exist (an unknown device, an absent or expired cache key). */
public final class NotFoundException extends SpectraException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super(ErrorCode.NOT_FOUND, message);
    }
}
