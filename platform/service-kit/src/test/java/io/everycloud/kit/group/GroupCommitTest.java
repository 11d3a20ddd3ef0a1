package io.everycloud.kit.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The kit's group commit, with a committer that records its groups instead of a database. */
class GroupCommitTest {

    /** An item: its key, its name, and the future its committer completes. */
    record Item(String key, String name, CompletableFuture<String> done) {
        Item(String key, String name) {
            this(key, name, new CompletableFuture<>());
        }
    }

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<List<String>> groups = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Exception> failures = new ConcurrentHashMap<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private GroupCommit<Item> commits;

    @AfterEach
    void stop() {
        release.countDown();
        if (commits != null) {
            commits.stop(Duration.ofSeconds(5), new IllegalStateException("stopped"));
        }
    }

    /** One writer; an item named "slow" holds its group until {@link #release}; "bad" fails any group it is in. */
    private GroupCommit<Item> start(int writers, int capacity, int maxGroup) {
        commits = new GroupCommit<>("test.items", writers, capacity, maxGroup, group -> {
            if (group.stream().anyMatch(i -> i.name().equals("slow"))) {
                release.await(10, TimeUnit.SECONDS);
            }
            if (group.stream().anyMatch(i -> i.name().equals("bad"))) {
                throw new IllegalStateException("bad item in the group");
            }
            groups.add(group.stream().map(Item::name).toList());
            group.forEach(i -> i.done().complete("committed with " + group.size()));
        }, (item, e) -> {
            failures.put(item.name(), e);
            item.done().completeExceptionally(e);
        }, meters);
        commits.start();
        return commits;
    }

    /** Keeps the writer of {@code key} busy: its item "slow" waits in its commit until {@link #release}. */
    private void holdTheWriter(String key) throws InterruptedException {
        assertThat(commits.submit(key, new Item(key, "slow"))).isTrue();
        awaitQueued(0); // the writer took it and waits in its commit
    }

    private void awaitQueued(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (commits.queued() != count) {
            assertThat(System.nanoTime()).as("%d items queued", count).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void itemsQueuedWhileTheWriterIsBusyAreCommittedTogetherInOrder() throws Exception {
        start(1, 100, 50);
        holdTheWriter("k");
        List<Item> waiting = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Item item = new Item("k" + i, "item-" + i);
            waiting.add(item);
            assertThat(commits.submit(item.key(), item)).isTrue();
        }
        awaitQueued(10);
        assertThat(waiting.get(0).done()).isNotDone();
        release.countDown();
        for (Item item : waiting) {
            assertThat(item.done().get(10, TimeUnit.SECONDS)).isEqualTo("committed with 10");
        }
        assertThat(groups).containsExactly(List.of("slow"),
                waiting.stream().map(Item::name).toList());
        assertThat(meters.get("test.items.group.size").summary().max()).isEqualTo(10.0);
        assertThat(meters.get("test.items.queued").gauge().value()).isZero();
    }

    @Test
    void aGroupIsNeverLargerThanTheMaximum() throws Exception {
        start(1, 100, 4);
        holdTheWriter("k");
        List<Item> waiting = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Item item = new Item("k", "item-" + i);
            waiting.add(item);
            commits.submit(item.key(), item);
        }
        release.countDown();
        for (Item item : waiting) {
            item.done().get(10, TimeUnit.SECONDS);
        }
        assertThat(groups).containsExactly(List.of("slow"), List.of("item-0", "item-1", "item-2", "item-3"),
                List.of("item-4", "item-5", "item-6", "item-7"), List.of("item-8", "item-9"));
    }

    @Test
    void aGroupThatFailsIsCommittedItemByItemAndOnlyTheBadItemFails() throws Exception {
        start(1, 100, 50);
        holdTheWriter("k");
        Item first = new Item("k", "first");
        Item bad = new Item("k", "bad");
        Item last = new Item("k", "last");
        for (Item item : List.of(first, bad, last)) {
            commits.submit(item.key(), item);
        }
        awaitQueued(3);
        release.countDown();
        assertThat(first.done().get(10, TimeUnit.SECONDS)).isEqualTo("committed with 1");
        assertThat(last.done().get(10, TimeUnit.SECONDS)).isEqualTo("committed with 1");
        assertThat(bad.done()).isCompletedExceptionally();
        assertThat(failures).containsOnlyKeys("bad");
        assertThat(failures.get("bad")).hasMessage("bad item in the group");
        assertThat(groups).containsExactly(List.of("slow"), List.of("first"), List.of("last"));
        // the group of three and the bad item alone
        assertThat(meters.get("test.items.group.failures").counter().count()).isEqualTo(1.0);
    }

    @Test
    void aFullQueueRefusesAndStoppingFailsWhatIsStillQueued() throws Exception {
        start(2, 4, 50); // two writers, two places each
        // keys hashing to the same writer as "a"
        List<String> sameWriter = new ArrayList<>();
        for (int i = 0; sameWriter.size() < 4; i++) {
            String key = "key-" + i;
            if (Math.floorMod(key.hashCode(), 2) == Math.floorMod("a".hashCode(), 2)) {
                sameWriter.add(key);
            }
        }
        holdTheWriter("a");
        assertThat(commits.submit(sameWriter.get(0), new Item(sameWriter.get(0), "q1"))).isTrue();
        assertThat(commits.submit(sameWriter.get(1), new Item(sameWriter.get(1), "q2"))).isTrue();
        assertThat(commits.submit(sameWriter.get(2), new Item(sameWriter.get(2), "refused"))).isFalse();
        commits.stop(Duration.ofMillis(200), new IllegalStateException("stopped"));
        // the group being committed had the grace period, then was interrupted; the queued items fail
        assertThat(failures).containsOnlyKeys("slow", "q1", "q2");
        assertThat(failures.get("slow")).isInstanceOf(InterruptedException.class);
        assertThat(failures.get("q1")).hasMessage("stopped");
        assertThat(failures.get("q2")).hasMessage("stopped");
        assertThat(commits.submit(sameWriter.get(3), new Item(sameWriter.get(3), "after"))).isFalse();
        commits = null;
    }
}
