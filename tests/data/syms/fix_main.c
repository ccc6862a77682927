// SPDX-License-Identifier: GPL-2.0
/* Symbolizer fixture: prints the run-time addresses of known functions, then waits on stdin. */
#include <stdio.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#ifdef WITH_LIB
int fixlib_gamma(int x);
#endif

__attribute__((noinline)) int fix_alpha(int x)
{
	return x * 7 + 1;
}

/* a local (static) function: only .symtab or a debug file knows it */
static __attribute__((noinline)) int fix_beta(int x)
{
	return fix_alpha(x) ^ 0x55;
}

int main(int argc, char **argv)
{
	void *anon = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char c;

	printf("fix_alpha %lx\n", (unsigned long)(uintptr_t)fix_alpha);
	printf("fix_beta %lx\n", (unsigned long)(uintptr_t)fix_beta);
	printf("main %lx\n", (unsigned long)(uintptr_t)main);
#ifdef WITH_LIB
	printf("fixlib_gamma %lx\n", (unsigned long)(uintptr_t)fixlib_gamma);
#endif
	if (anon != MAP_FAILED)
		printf("anon %lx\n", (unsigned long)(uintptr_t)anon);
	printf("ready %d\n", fix_beta(argc));
	fflush(stdout);
	/* stay mapped until the test closes our stdin */
	while (read(0, &c, 1) > 0)
		;
	return 0;
}
