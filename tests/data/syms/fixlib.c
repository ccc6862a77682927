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
