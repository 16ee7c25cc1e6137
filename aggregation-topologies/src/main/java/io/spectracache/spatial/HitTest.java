package io.spectracache.spatial;

/**
 * The exact test of an area query, applied to every candidate position its cells hold: the candidate's distance from
 * the query's centre (any number, 0 where no distance applies) if it is in the area, else NaN.
 */
@FunctionalInterface
public interface HitTest {
    double test(double lat, double lon);
}
