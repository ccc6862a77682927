/* SPDX-License-Identifier: GPL-2.0 */
/* Pinned maps a user hands in (--cgroupmap, --mntnsmap), checked before they replace our own. */
#ifndef BPFBOX_PINMAP_H
#define BPFBOX_PINMAP_H

#include <stdbool.h>
#include <stddef.h>

struct bpf_map;

/*
 * Makes m (not yet loaded) use the map pinned at path, after checking that it is a BPF map of
 * m's type, key size and value size: a map of another shape would load (the verifier only
 * checks sizes against the program's accesses) and then filter wrongly. Returns 0, or -errno
 * with why[] saying what is wrong in words (no such file, not on a BPF file system, not a map,
 * "the map has type array, 4-byte keys ...; expected type hash, 8-byte keys ...").
 */
int pinmap__reuse(struct bpf_map *m, const char *path, char *why, size_t n);

/* The --cgroupmap and --mntnsmap paths (NULL: not given) of an applet with FILTER_CONTAINERS. */
struct pinmap_containers {
	const char *cgroupmap, *mntnsmap;
};

/* Their option table entries (common/opts.h), filling c, a struct pinmap_containers. */
#define PINMAP_CONTAINER_OPTS(c)							\
	{ 0, "cgroupmap", OPT_STR, "PATH", "trace cgroups in this pinned BPF hash map only",	\
	  &(c).cgroupmap, .max = 4095, .complete = "file" },				\
	{ 0, "mntnsmap", OPT_STR, "PATH",						\
	  "trace mount namespaces in this pinned BPF hash map only", &(c).mntnsmap,	\
	  .max = 4095, .complete = "file" }

/* Room for pinmap__containers' why[]: the option, a path of up to 4095 bytes, the reason. */
#define PINMAP_WHY_MAX 4608

/*
 * Turns on the container filters of bpf/filter.bpf.h that c names: sets the rodata switches
 * *cgroup_on and *mntns_on and swaps in the pinned maps through pinmap__reuse. Returns 0, or
 * -errno with why[] naming the option, its path and what is wrong.
 */
int pinmap__containers(const struct pinmap_containers *c, struct bpf_map *cgroupset,
		       bool *cgroup_on, struct bpf_map *mntnsset, bool *mntns_on, char *why,
		       size_t n);

#endif
