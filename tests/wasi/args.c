/*
 * args.c - prints what the plugin was given, one item a line, bytes as they
 * are: "argc N", "argv[i]=TEXT", "envc N", "env=TEXT". A newline inside an
 * argument shows as "\n" so each item stays on its line.
 */
#include <stdio.h>

extern char **environ;

static void put(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			fputs("\\n", stdout);
		else
			putchar(*s);
	}
	putchar('\n');
}

int main(int argc, char **argv)
{
	printf("argc %d\n", argc);
	for (int i = 0; i < argc; i++) {
		printf("argv[%d]=", i);
		put(argv[i]);
	}
	int n = 0;
	while (environ && environ[n])
		n++;
	printf("envc %d\n", n);
	for (int i = 0; i < n; i++) {
		fputs("env=", stdout);
		put(environ[i]);
	}
	return 0;
}
