// SPDX-License-Identifier: GPL-2.0
/* Unit tests for check-config's applet verdicts, fed with made-up kernels (no probing). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "feature.h"
#include "verdict.h"

static struct feature_result res[FEAT__COUNT];

static void all_work(void)
{
	for (int i = 0; i < FEAT__COUNT; i++)
		res[i] = (struct feature_result){ FEATURE_WORKS, 0, "ok" };
}

static void lacks(enum feature f, const char *reason)
{
	res[f].status = FEATURE_MISSING;
	res[f].err = -EOPNOTSUPP;
	snprintf(res[f].reason, sizeof(res[f].reason), "%s", reason);
}

static struct verdict eval(const char *applet)
{
	const struct verdict_applet *a = verdict__find(applet);
	struct verdict v;

	assert_non_null(a);
	verdict__eval(a, res, &v);
	return v;
}

static void test_everything_works(void **state)
{
	all_work();
	for (int i = 0; i < verdict_napplets; i++) {
		struct verdict v;

		verdict__eval(&verdict_applets[i], res, &v);
		assert_int_equal(v.kind, VERDICT_WORKS);
		assert_null(strstr(v.detail, "no "));
	}
	assert_string_equal(eval("funccount").detail,
			    "kprobe.multi, uprobe.multi, classic tracepoints, USDT (uprobes), BPF cookies");
}

/* This project's machine: no kprobes, no kprobe.multi, fentry refused. */
static void test_this_machine(void **state)
{
	struct verdict v;

	all_work();
	lacks(FEAT_KPROBE, "no kprobe PMU");
	lacks(FEAT_KPROBE_MULTI, "no fprobe");
	lacks(FEAT_FENTRY, "fentry load fails with EPERM");
	lacks(FEAT_PERF_HW, "no PMU");
	assert_int_equal(eval("execsnoop").kind, VERDICT_WORKS);
	assert_int_equal(eval("opensnoop").kind, VERDICT_WORKS);
	assert_int_equal(eval("biosnoop").kind, VERDICT_WORKS);
	assert_int_equal(eval("profile").kind, VERDICT_WORKS);
	v = eval("funccount");
	assert_int_equal(v.kind, VERDICT_LIMITED);
	assert_non_null(strstr(v.detail, "no kernel functions (kprobe_multi, fentry, kprobe "
				      "missing)"));
	assert_non_null(strstr(v.detail, "uprobe.multi"));
}

/* Debian 6.1: fentry and kprobes without kprobe.multi (no CONFIG_FPROBE). */
static void test_fallback_to_kprobe(void **state)
{
	struct verdict v;

	all_work();
	lacks(FEAT_KPROBE_MULTI, "no fprobe");
	v = eval("funccount");
	assert_int_equal(v.kind, VERDICT_FALLBACK);
	assert_non_null(strstr(v.detail, "fentry/fexit (no kprobe_multi)"));
	v = eval("trace");
	assert_non_null(strstr(v.detail, "kprobe (no kprobe_multi)"));
	/* arm64 6.1: fentry fails to attach */
	lacks(FEAT_FENTRY, "no trampoline");
	v = eval("stackcount");
	assert_non_null(strstr(v.detail, "kprobe (no kprobe_multi, fentry)"));
	assert_int_equal(verdict__pick("nonexistent", "x", NULL), -ENOENT);
}

/* Kernels before 6.6: single uprobes. */
static void test_fallback_to_uprobe(void **state)
{
	all_work();
	lacks(FEAT_UPROBE_MULTI, "no uprobe.multi");
	assert_non_null(strstr(eval("funccount").detail, "uprobe (no uprobe_multi)"));
}

/* Debian 11 5.10: no cookies, so a program per probe instead of one per mechanism. */
static void test_old_kernel(void **state)
{
	struct verdict v;

	all_work();
	lacks(FEAT_KPROBE_MULTI, "no");
	lacks(FEAT_COOKIE, "no bpf_get_attach_cookie(): kernel < 5.15");
	v = eval("funccount");
	assert_int_equal(v.kind, VERDICT_FALLBACK);
	assert_non_null(strstr(v.detail, "one program per probe (no cookie)"));
	assert_int_equal(eval("execsnoop").kind, VERDICT_WORKS);
}

static void test_cannot_run(void **state)
{
	struct verdict v;

	all_work();
	lacks(FEAT_RAW_TP, "no raw tracepoints");
	v = eval("execsnoop");
	assert_int_equal(v.kind, VERDICT_CANNOT);
	assert_string_equal(v.detail, "cannot run: exec events: raw_tp: no raw tracepoints");
	/* opensnoop has no other way to see opens */
	assert_int_equal(eval("opensnoop").kind, VERDICT_CANNOT);

	all_work();
	lacks(FEAT_TP_BTF, "no tp_btf");
	v = eval("opensnoop");
	assert_int_equal(v.kind, VERDICT_FALLBACK);
	assert_non_null(strstr(v.detail, "raw syscall tracepoints (no tp_btf)"));

	all_work();
	lacks(FEAT_BTF, "no /sys/kernel/btf/vmlinux");
	v = eval("profile");
	assert_int_equal(v.kind, VERDICT_CANNOT);
	assert_string_equal(v.detail, "cannot run: btf: no /sys/kernel/btf/vmlinux");

	all_work();
	lacks(FEAT_RINGBUF, "no ring buffer maps: kernel < 5.8");
	assert_int_equal(eval("execsnoop").kind, VERDICT_CANNOT);
	assert_int_equal(eval("funccount").kind, VERDICT_WORKS);	/* maps only */

	/* confidentiality lockdown refuses kernel reads (CO-RE), tracefs and perf: nothing runs */
	all_work();
	lacks(FEAT_LOCKDOWN, "confidentiality");
	for (int i = 0; i < verdict_napplets; i++)
		assert_int_equal(eval(verdict_applets[i].applet).kind, VERDICT_CANNOT);
	assert_string_equal(eval("execsnoop").detail, "cannot run: lockdown: confidentiality");
}

/* Generic probes need at least one probe kind. */
static void test_no_probe_kind(void **state)
{
	struct verdict v;

	all_work();
	lacks(FEAT_KPROBE_MULTI, "a");
	lacks(FEAT_FENTRY, "b");
	lacks(FEAT_KPROBE, "c");
	lacks(FEAT_UPROBE, "d");
	lacks(FEAT_UPROBE_MULTI, "d2");
	lacks(FEAT_TRACEPOINT, "f");
	v = eval("funccount");
	assert_int_equal(v.kind, VERDICT_CANNOT);
	assert_non_null(strstr(v.detail, "no probe kind works"));
	/* profile has no probe kinds and does not care. */
	assert_int_equal(eval("profile").kind, VERDICT_WORKS);
}

/* Verdicts only for applets that exist, and the applets' own choice comes from the table. */
static void test_only_real_applets(void **state)
{
	assert_non_null(verdict__find("trace"));
	assert_non_null(verdict__find("argdist"));
	assert_non_null(verdict__find("funccount"));
}

/* Every feature has a unique id that --require accepts, and lookups round-trip. */
static void test_feature_names(void **state)
{
	static const char *const required[] = {
		"tracepoint", "tp_btf", "raw_tp", "kprobe", "kprobe_multi", "fentry", "uprobe",
		"perf_event", "ringbuf", "btf", "cookie", "bpf_loop", NULL,
	};

	for (int i = 0; i < FEAT__COUNT; i++) {
		assert_non_null(features__name(i));
		assert_non_null(features__what(i));
		assert_int_equal(features__lookup(features__name(i)), i);
	}
	for (int i = 0; required[i]; i++)
		assert_true(features__lookup(required[i]) >= 0);
	assert_int_equal(features__lookup("nope"), -ENOENT);
	assert_null(features__name(FEAT__COUNT));
	assert_true(FEAT__COUNT <= 64);	/* FEAT_BIT masks are 64 bits */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_everything_works),
		cmocka_unit_test(test_this_machine),
		cmocka_unit_test(test_fallback_to_kprobe),
		cmocka_unit_test(test_fallback_to_uprobe),
		cmocka_unit_test(test_old_kernel),
		cmocka_unit_test(test_cannot_run),
		cmocka_unit_test(test_no_probe_kind),
		cmocka_unit_test(test_only_real_applets),
		cmocka_unit_test(test_feature_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
