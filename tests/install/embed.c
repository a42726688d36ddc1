/*
 * tests/install/embed.c - built by tests/install/run.sh from the installed
 * headers and library alone (pkg-config), beside size/core-firmware.c
 * (the engine): the parts the core program does not reach, the WASI layer
 * and the names, through the installed edgeplug_wasi.h.
 */
#include <stdio.h>
#include <string.h>

#include <edgeplug.h>
#include <edgeplug_wasi.h>

int main(void)
{
	ep_engine *engine = ep_engine_new(NULL, NULL);
	if (!engine)
		return 1;
	ep_wasi *w = ep_wasi_new(engine, EP_WASI_STDOUT);
	if (!w)
		return 2;
	ep_error err;
	const char *argv[] = { "embed", "x" };
	if (ep_wasi_set_args(w, 2, argv, &err) != EP_OK)
		return 3;
	/* A name with '=' is refused with a message: the layer really ran. */
	if (ep_wasi_set_env(w, "A=B", "c", &err) != EP_ERR_ARG || err.msg[0] == '\0')
		return 4;
	ep_wasi_free(w);
	ep_engine_free(engine);
	printf("edgeplug %s: %s, %s\n", EP_VERSION, ep_status_name(EP_ERR_ARG),
	       ep_trap_name(EP_TRAP_FUEL));
	return 0;
}
