package io.spectracache.query;

import static java.util.Objects.requireNonNull;

/** The form of a query name: it is a path segment of the internal query API, so it stays URL-safe. */
final class QueryNames {
    private QueryNames() {
    }

    static String check(String name) {
        requireNonNull(name, "name");
        if (!name.matches("[a-z0-9]+([.-][a-z0-9]+)*")) {
            throw new IllegalArgumentException("query names are lower-case words joined by '.' or '-': " + name);
        }
        return name;
    }
}
