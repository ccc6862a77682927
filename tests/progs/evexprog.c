// SPDX-License-Identifier: GPL-2.0
/*
 * funccount's EVEX case: evex_fill starts with an AVX-512 (EVEX-encoded) instruction, which
 * uprobes step wrongly (the instruction then writes nothing); plain_fill is ordinary code.
 * Calls each N times and checks what they wrote: prints "plain_calls N" and, where the CPU
 * has AVX-512BW, "evex_bad B" (calls whose result was wrong), else "no-avx512".
 * usage: evexprog N
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) void plain_fill(uint8_t *dst, int c)
{
	memset(dst, c, 64);
	__asm__ volatile("" : : "r"(dst) : "memory");
}

#ifdef __x86_64__
/* dst[0..63] = c, from zmm16 (the register glibc's *_evex functions use first) */
__attribute__((noinline, naked)) void evex_fill(uint8_t *dst, int c)
{
	__asm__("vpbroadcastb %esi, %zmm16\n\t"
		"vmovdqu64 %zmm16, (%rdi)\n\t"
		"vzeroupper\n\t"
		"ret");
}
#endif

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000, bad = 0;
	uint8_t b[64];

	for (long i = 0; i < n; i++)
		plain_fill(b, (int)(i % 250) + 1);
	printf("plain_calls %ld\n", n);
#ifdef __x86_64__
	if (__builtin_cpu_supports("avx512bw")) {
		for (long i = 0; i < n; i++) {
			int c = (int)(i % 250) + 1;

			memset(b, 0, sizeof(b));
			evex_fill(b, c);
			for (int j = 0; j < 64; j++)
				if (b[j] != c) {
					bad++;
					break;
				}
		}
		printf("evex_bad %ld\n", bad);
		return 0;
	}
#endif
	printf("no-avx512\n");
	return 0;
}
