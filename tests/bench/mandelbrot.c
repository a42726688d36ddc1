/* mandelbrot.c - escape-time iteration of z = z^2 + c over a grid of the
 * complex plane: a tight f64 loop with a data-dependent exit. Each
 * repetition shifts the window a little and folds the iteration counts. */
#include "bench.h"

#define W 96
#define H 64
#define MAX_ITER 160

static u32 bench_run(u32 reps)
{
	u32 h = 0;
	for (u32 r = 0; r < reps; r++) {
		double x0 = -2.1 + (double)(r & 31) / 512.0;
		double y0 = -1.2;
		double step = 2.6 / W;
		u32 total = 0;
		for (u32 py = 0; py < H; py++) {
			double ci = y0 + py * (2.4 / H);
			u32 row = 0;
			for (u32 px = 0; px < W; px++) {
				double cr = x0 + px * step;
				double zr = 0.0, zi = 0.0;
				u32 it = 0;
				while (it < MAX_ITER) {
					double zr2 = zr * zr, zi2 = zi * zi;
					if (zr2 + zi2 > 4.0)
						break;
					zi = 2.0 * zr * zi + ci;
					zr = zr2 - zi2 + cr;
					it++;
				}
				total += it;
				row = row * 3 + it;
			}
			h = mix32(h, row);
		}
		h = mix32(h, total);
	}
	return h;
}
