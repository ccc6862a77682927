// SPDX-License-Identifier: GPL-2.0
/* Symbolizer fixture: a shared object with one exported and one local function. */

static __attribute__((noinline)) int fixlib_delta(int x)
{
	return x * 3;
}

__attribute__((noinline)) int fixlib_gamma(int x)
{
	return fixlib_delta(x) + 11;
}

/* aliases, as glibc has malloc and __libc_malloc: every name must be found */
__attribute__((noinline)) int fixlib_epsilon(int x)
{
	return x + 5;
}
int __fixlib_epsilon(int x) __attribute__((alias("fixlib_epsilon")));
int fixlib_epsilon_weak(int x) __attribute__((weak, alias("fixlib_epsilon")));
