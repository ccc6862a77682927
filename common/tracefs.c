// SPDX-License-Identifier: GPL-2.0
/* Finds tracefs, mounting it when a minimal host boots without it. */
#include <errno.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "tracefs.h"

static const char *const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };

static int has_events(const char *root)
{
	char p[64];

	snprintf(p, sizeof(p), "%s/events", root);
	return access(p, F_OK) == 0;
}

const char *tracefs_path(void)
{
	static const char *found;
	int err;

	if (found)
		return found;
	for (unsigned int i = 0; i < sizeof(roots) / sizeof(roots[0]); i++)
		if (has_events(roots[i]))
			return found = roots[i];
	if (!mount("nodev", roots[0], "tracefs", 0, NULL) && has_events(roots[0])) {
		err_debug("mounted tracefs on %s", roots[0]);
		return found = roots[0];
	}
	err = errno;
	/* Old kernels only expose tracing inside debugfs. */
	if (!mount("nodev", "/sys/kernel/debug", "debugfs", 0, NULL) && has_events(roots[1])) {
		err_debug("mounted debugfs on /sys/kernel/debug");
		return found = roots[1];
	}
	errno = err;
	return NULL;
}

int tracefs_has_event(const char *category, const char *name)
{
	const char *root = tracefs_path();
	char p[512];

	if (!root)
		return 0;
	snprintf(p, sizeof(p), "%s/events/%s/%s", root, category, name);
	return access(p, F_OK) == 0;
}
