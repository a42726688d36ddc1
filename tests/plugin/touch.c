/*
 * touch.c - creates the file "ran" in the guest directory /out: the mark
 * that a plugin's code ran at all (trust refusals must leave none).
 */
#include <fcntl.h>
#include <unistd.h>

int main(void)
{
	int fd = open("/out/ran", O_WRONLY | O_CREAT, 0644);
	if (fd < 0)
		return 1;
	close(fd);
	return 0;
}
