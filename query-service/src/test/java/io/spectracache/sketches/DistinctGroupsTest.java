package io.spectracache.sketches;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DistinctGroupsTest {
    @Test
    void shouldListEachGroupOnceInStringOrderWhenInstancesShareIt() {
        DistinctGroups.Part merged = DistinctGroups.merge(10, List.of(
                new DistinctGroups.Part(List.of("globex", "acme"), false),
                new DistinctGroups.Part(List.of("acme", "initech"), false)));

        assertThat(merged.groups()).containsExactly("acme", "globex", "initech");
        assertThat(merged.truncated()).isFalse();
    }

    @Test
    void shouldSayTruncatedWhenTheInstancesTogetherHaveMoreGroupsThanTheLimit() {
        DistinctGroups.Part merged = DistinctGroups.merge(2, List.of(
                new DistinctGroups.Part(List.of("b", "d"), false),
                new DistinctGroups.Part(List.of("a", "c"), false)));

        assertThat(merged.groups()).containsExactly("a", "b");
        assertThat(merged.truncated()).isTrue();
    }

    @Test
    void shouldStayTruncatedWhenAnInstanceCutItsOwnList() {
        DistinctGroups.Part merged = DistinctGroups.merge(5, List.of(new DistinctGroups.Part(List.of("a"), true)));

        assertThat(merged.truncated()).isTrue();
    }
}
