// SPDX-License-Identifier: GPL-2.0
/* Symbolizer fixture: C++ methods and a template, to check demangling. */
#include <cstdio>
#include <cstdint>
#include <unistd.h>

namespace fixns {
struct Widget {
	int k;
	__attribute__((noinline)) int spin(int n);
};

int Widget::spin(int n)
{
	for (int i = 0; i < n; i++)
		k = k * 31 + i;
	return k;
}

template <typename T> __attribute__((noinline)) T twice(T v)
{
	return v + v;
}
} // namespace fixns

int main(int argc, char **)
{
	fixns::Widget w{argc};
	// GNU extension: the code address of a non-virtual member function
	void *spin = (void *)(&fixns::Widget::spin);
	int (*tw)(int) = fixns::twice<int>;
	char c;

	std::printf("spin %lx\n", (unsigned long)(uintptr_t)spin);
	std::printf("twice %lx\n", (unsigned long)(uintptr_t)tw);
	std::printf("ready %d\n", w.spin(3) + tw(argc));
	std::fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	return 0;
}
