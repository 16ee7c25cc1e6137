package io.spectracache.sketches;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CountedItemsTest {
    private final Object lane = new Object();
    private final Object otherLane = new Object();

    @Test
    void shouldRememberAnItemOnlyForItsOwnerAndTag() {
        CountedItems counted = new CountedItems();
        counted.add("truck-1", lane, 60_000);

        assertThat(counted.contains("truck-1", lane, 60_000)).isTrue();
        assertThat(counted.contains(new String("truck-1"), lane, 60_000)).as("by value").isTrue();
        assertThat(counted.contains("truck-1", lane, 120_000)).as("another window").isFalse();
        assertThat(counted.contains("truck-1", otherLane, 60_000)).as("another lane").isFalse();
        assertThat(counted.contains("truck-2", lane, 60_000)).isFalse();

        counted.clear();
        assertThat(counted.contains("truck-1", lane, 60_000)).isFalse();
    }

    @Test
    void shouldNeverClaimAnItemItWasNotGivenHoweverManyItFills() {
        CountedItems counted = new CountedItems();
        Set<String> added = new HashSet<>();
        Random random = new Random(3);
        int hits = 0;
        for (int i = 0; i < 20 * CountedItems.SLOTS; i++) {
            String item = "truck-" + random.nextInt(10 * CountedItems.SLOTS);
            Object owner = random.nextBoolean() ? lane : otherLane;
            long tag = random.nextInt(3);
            if (counted.contains(item, owner, tag)) {
                assertThat(added).contains(item + owner.hashCode() + "/" + tag);
                hits++;
            }
            counted.add(item, owner, tag);
            added.add(item + owner.hashCode() + "/" + tag);
        }
        assertThat(hits).as("repeats still found while the memory churns").isPositive();
    }
}
