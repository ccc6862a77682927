// SPDX-License-Identifier: GPL-2.0
/*
 * Replays a fuzz target's inputs as unit tests, without libFuzzer: each file of
 * tests/fuzz/corpus/NAME/ (seeds) and tests/data/fuzz/NAME/ (crashes found, now fixed) goes
 * through LLVMFuzzerTestOneInput once. Built per target with -DFUZZ_NAME="NAME".
 */
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_INPUTS 4096
#define REPLAY_MAX (4 << 20)

static void replay(void **state)
{
	const char *path = *state;
	FILE *f = fopen(path, "rb");
	uint8_t *buf = malloc(REPLAY_MAX);
	size_t n;

	assert_non_null(f);
	assert_non_null(buf);
	n = fread(buf, 1, REPLAY_MAX, f);
	fclose(f);
	/* an exact-size copy, so that ASan sees any read past the end */
	uint8_t *in = malloc(n ? n : 1);

	assert_non_null(in);
	memcpy(in, buf, n);
	free(buf);
	/* what the target prints (help texts) would bury cmocka's report: stdout to /dev/null */
	fflush(stdout);
	int saved = dup(1), null = open("/dev/null", O_WRONLY);

	dup2(null, 1);
	int rc = LLVMFuzzerTestOneInput(in, n);

	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	close(null);
	assert_int_equal(rc, 0);
	free(in);
}

static int add_dir(struct CMUnitTest *t, int n, const char *dir)
{
	struct dirent *d;
	DIR *dp = opendir(dir);

	if (!dp)
		return n;
	while ((d = readdir(dp)) && n < MAX_INPUTS) {
		char *path;

		if (d->d_name[0] == '.' || asprintf(&path, "%s/%s", dir, d->d_name) < 0)
			continue;
		t[n++] = (struct CMUnitTest){ .name = path, .test_func = replay,
					       .initial_state = path };
	}
	closedir(dp);
	return n;
}

int main(void)
{
	static struct CMUnitTest tests[MAX_INPUTS];
	int n = add_dir(tests, 0, "tests/fuzz/corpus/" FUZZ_NAME);

	n = add_dir(tests, n, "tests/data/fuzz/" FUZZ_NAME);
	if (!n) {
		fprintf(stderr, "replay_%s: no inputs in tests/fuzz/corpus/%s\n", FUZZ_NAME, FUZZ_NAME);
		return 1;
	}
	return _cmocka_run_group_tests("replay_" FUZZ_NAME, tests, (size_t)n, NULL, NULL);
}
