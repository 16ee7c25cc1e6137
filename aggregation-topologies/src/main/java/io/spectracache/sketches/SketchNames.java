package io.spectracache.sketches;

import static java.util.Objects.requireNonNull;

/** The rule every sketch, filter and watch name follows, checked in one place. */
final class SketchNames {
    /** Longest name: it travels in URLs, store keys and setting keys. */
    static final int MAX_LENGTH = 64;

    private SketchNames() {
    }

    /**
     * {@code name} if it is 1 to 64 lower-case letters, digits and '-', starting with a letter or digit.
     *
     * @throws IllegalArgumentException otherwise
     */
    static String checked(String name) {
        requireNonNull(name, "name");
        if (name.isEmpty() || name.length() > MAX_LENGTH || !name.matches("[a-z0-9][a-z0-9-]*")) {
            throw new IllegalArgumentException("a sketch name is 1 to " + MAX_LENGTH + " lower-case letters, digits "
                    + "and '-', starting with a letter or digit; was '" + name + "'");
        }
        return name;
    }
}
