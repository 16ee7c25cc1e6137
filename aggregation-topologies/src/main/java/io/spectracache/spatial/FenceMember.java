package io.spectracache.spatial;

/**
 * An entry of {@code spatial-fence-members}: a device counted inside a fence (key: {@link MemberKeys}).
 *
 * @param enteredAt    event time (ms) of the enter transition
 * @param fenceVersion the version of the fence it entered or was last checked against
 */
public record FenceMember(long enteredAt, long fenceVersion) {
}
