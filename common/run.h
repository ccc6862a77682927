/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lifecycle every applet shares: libbpf logging (-v), signals (SIGINT, SIGTERM, SIGPIPE),
 * the ring buffer drain loop with interval and duration timers, and lost-event reporting.
 */
#ifndef BPFBOX_RUN_H
#define BPFBOX_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

struct bpf_map;
struct linkset;

/*
 * Drain period of the run loop: the reader is woken by the first event after it went idle,
 * then drains once per period or when the BPF side wakes it for a ring past a quarter full,
 * so a busy ring costs a wake-up per period or per quarter ring rather than one per event.
 */
#define RUN_DRAIN_MS 10
/* Wait after a wake-up from idle, so that a burst's records are drained together. */
#define RUN_GATHER_MS 1
/* Longest wait while idle: timers and signals need no more than this. */
#define RUN_IDLE_MS 200

/*
 * A ring buffer size: PER_CPU bytes for each online CPU, two at least (the rate of events
 * grows with the CPUs producing them), a power of two, at most RUN_RING_MAX. It is kernel
 * memory: the reader maps 64 KiB of it at a time (common/ringread.h).
 */
#define RUN_RING_MAX (8 << 20)
size_t run_ring_size(size_t per_cpu);

struct run_ops {
	/* One ring buffer record. Return <0 to stop with that error, >0 to stop cleanly. */
	int (*on_event)(void *ctx, const void *data, size_t len);
	/* Every interval_ms (when set). Return non-zero to stop. */
	int (*on_tick)(void *ctx);
	/* Once at the end (duration reached, signal, closed pipe): final summaries. */
	void (*on_exit)(void *ctx);
};

struct run_cfg {
	struct bpf_map *events;		/* BPF_MAP_TYPE_RINGBUF or NULL (aggregating applets) */
	const volatile __u64 *lost;	/* counter the BPF side bumps when a reserve fails */
	long interval_ms;		/* 0: no ticks */
	long duration_ms;		/* 0: until a signal */
	/* the applet's probes: released (concurrently) as soon as the loop stops, before the
	 * last drain and on_exit, so that the final output is complete and nothing fires on */
	struct linkset *links;
};

/* Installs signal handlers and the libbpf print callback; call first in every applet. */
void run_setup(const char *applet);

/* Runs until duration, signal, closed stdout, or a callback asks to stop. Returns 0 or -errno. */
int run_loop(const struct run_cfg *cfg, const struct run_ops *ops, void *ctx);

/* Set by SIGINT/SIGTERM; applets with their own waits may check it. */
bool run_stopping(void);
/* Ask the loop to end (e.g. -M reached). */
void run_stop(void);

/* Reports lost events (those since the last report) on stderr, at most once a second unless
 * FINAL; called by the loop. */
void run_report_lost(uint64_t total, bool final);

#endif
