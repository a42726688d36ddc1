/* nbody.c - a five-body gravity simulation in doubles: square roots,
 * divides and long dependent multiply-add chains over a small array of
 * structs. Made-up bodies in units where G = 1; each repetition starts them
 * from slightly different places, integrates STEPS steps with a symplectic
 * Euler scheme and folds the exact bits of the final energy. */
#include "bench.h"

#define NBODIES 5
#define STEPS 1000

struct body {
	double x, y, z;
	double vx, vy, vz;
	double mass;
};

static void advance(struct body *b, double dt)
{
	for (u32 i = 0; i < NBODIES; i++) {
		for (u32 j = i + 1; j < NBODIES; j++) {
			double dx = b[i].x - b[j].x;
			double dy = b[i].y - b[j].y;
			double dz = b[i].z - b[j].z;
			double d2 = dx * dx + dy * dy + dz * dz;
			double mag = dt / (d2 * __builtin_sqrt(d2));
			double mi = b[i].mass * mag, mj = b[j].mass * mag;
			b[i].vx -= dx * mj;
			b[i].vy -= dy * mj;
			b[i].vz -= dz * mj;
			b[j].vx += dx * mi;
			b[j].vy += dy * mi;
			b[j].vz += dz * mi;
		}
	}
	for (u32 i = 0; i < NBODIES; i++) {
		b[i].x += dt * b[i].vx;
		b[i].y += dt * b[i].vy;
		b[i].z += dt * b[i].vz;
	}
}

static double energy(const struct body *b)
{
	double e = 0.0;
	for (u32 i = 0; i < NBODIES; i++) {
		e += 0.5 * b[i].mass *
		     (b[i].vx * b[i].vx + b[i].vy * b[i].vy + b[i].vz * b[i].vz);
		for (u32 j = i + 1; j < NBODIES; j++) {
			double dx = b[i].x - b[j].x;
			double dy = b[i].y - b[j].y;
			double dz = b[i].z - b[j].z;
			e -= b[i].mass * b[j].mass / __builtin_sqrt(dx * dx + dy * dy + dz * dz);
		}
	}
	return e;
}

/* A heavy centre and four light bodies on roughly circular orbits. */
static const struct body start[NBODIES] = {
	{ 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1000.0 },
	{ 10.0, 0.0, 0.3, 0.0, 10.0, 0.05, 0.01 },
	{ 0.0, -17.0, -0.4, 7.6, 0.0, 0.0, 0.02 },
	{ -26.0, 1.0, 0.0, 0.2, -6.2, 0.1, 0.005 },
	{ 3.0, 38.0, 1.5, -5.1, 0.3, -0.02, 0.03 },
};

static u32 bench_run(u32 reps)
{
	struct body *b = bench_alloc(sizeof start);
	u32 h = 0;
	for (u32 r = 0; r < reps; r++) {
		bench_copy(b, start, sizeof start);
		b[1].x += (double)(r & 15) / 64.0;
		b[2].vz += (double)(r % 7) / 128.0;
		for (u32 s = 0; s < STEPS; s++)
			advance(b, 0.001);
		h = mix64(h, f64_bits(energy(b)));
	}
	return h;
}
