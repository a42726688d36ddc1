/*
 * plugin.c - the example firmware's plugin, built for wasm32 without a libc
 * (it needs none): one host function in, one tick function out. Built
 * twice, -DVERSION=1 and -DVERSION=2, as the two signed versions the
 * firmware reloads between (see README.md).
 *
 * Each tick reads the sensor and returns a value for the firmware to log:
 * version 1 the running mean, version 2 the running maximum, both in tenths.
 * A reading above 100 is "noise" that version 1 filters the slow way (a long
 * loop), so that tick runs out of its fuel; a NaN reading is a fault, and
 * the plugin traps. Version 2 drops noise at once.
 */
#ifndef VERSION
#define VERSION 1
#endif

__attribute__((import_module("sensor"), import_name("read"))) float sensor_read(void);

static float acc;
static int n;
static volatile unsigned sink;

__attribute__((export_name("version"))) int version(void)
{
	return VERSION;
}

__attribute__((export_name("on_tick"))) int on_tick(int tick)
{
	float v = sensor_read();
	if (v != v)
		__builtin_trap();
	if (v > 100.0f) {
#if VERSION == 1
		/* filter it away, expensively: a few ticks' worth of fuel for
		 * noise, far more for a reading above 1000 */
		unsigned rounds = v > 1000.0f ? 5000000u : 30000u;
		for (unsigned i = 0; i < rounds; i++)
			sink += i ^ (unsigned)tick;
#endif
		return -1;
	}
	n++;
#if VERSION == 1
	acc += (v - acc) / (float)n;
#else
	if (n == 1 || v > acc)
		acc = v;
#endif
	return (int)(acc * 10.0f + 0.5f);
}
