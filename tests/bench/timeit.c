/* timeit.c - the harness's process timer: runs a command and writes one
 * line "EXIT NANOSECONDS PEAK_RSS_KB" to a file. Built for the host.
 *
 *     timeit RESULT_FILE [-C DIR] COMMAND [ARG...]
 *
 * It exists for the peak RSS: Linux gives an exec'd process the high-water
 * mark of the address space it replaced, so a child of the Python harness
 * would report the harness's own tens of MB. A child forked from this small
 * program starts from almost nothing. Timing here, around fork and wait4,
 * also leaves the harness's own start-up out of the numbers. EXIT is the
 * command's exit code, 128+N for a signal, 127 if it could not be run.
 * -C DIR runs the command in DIR (the real programs of compare.py work in
 * a scratch directory each). */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *dir = NULL;
	int cmd = 2;
	if (argc > 3 && strcmp(argv[2], "-C") == 0) {
		dir = argv[3];
		cmd = 4;
	}
	if (argc <= cmd) {
		fputs("usage: timeit RESULT_FILE [-C DIR] COMMAND [ARG...]\n", stderr);
		return 64;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid < 0) {
		perror("timeit: fork");
		return 71;
	}
	if (pid == 0) {
		if (dir && chdir(dir) != 0) {
			perror(dir);
			_exit(127);
		}
		execvp(argv[cmd], argv + cmd);
		perror(argv[cmd]);
		_exit(127);
	}
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("timeit: wait4");
		return 71;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long long ns = (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	FILE *f = fopen(argv[1], "w");
	if (!f || fprintf(f, "%d %lld %ld\n", code, ns, ru.ru_maxrss) < 0 || fclose(f) != 0) {
		perror(argv[1]);
		return 74;
	}
	return 0;
}
