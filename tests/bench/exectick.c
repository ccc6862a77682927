// SPDX-License-Identifier: GPL-2.0
/* The program the exec benchmarks run: does nothing, so an exec costs as little as it can. */
int main(void)
{
	return 0;
}
