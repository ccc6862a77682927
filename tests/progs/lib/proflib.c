// SPDX-License-Identifier: GPL-2.0
/* profile's target library: a function in a shared object, for the PIE + library test. */

/* calling something gives the spinning function a frame record (see profprog.c) */
static void noop(void)
{
}
static void (*volatile keep_frame)(void) = noop;

__attribute__((noinline)) int proflib_spin(unsigned long n)
{
	volatile unsigned long x = n;

	for (int i = 0; i < 200000; i++)
		x = x * 2862933555777941757ul + 1;
	keep_frame();
	return (int)x;
}
