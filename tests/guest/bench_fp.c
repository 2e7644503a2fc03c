/* SPDX-License-Identifier: MIT */
/*
 * CPU benchmark, floating point: double matrix multiplication, a small
 * n-body integration and a single-precision FIR filter. The checksum line
 * prints the raw bits of the results, so any rounding difference shows.
 */
#include "rt.h"

#define N 64
#define ROUNDS 40

static double a[N][N], b[N][N], c[N][N];

static double matmul(int round)
{
	double tr = 0;

	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			a[i][j] = (double)((i * 3 + j + round) % 17) * 0.25 - 2.0;
			b[i][j] = 1.0 / (double)(i + j + 1 + round);
		}
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			double s = 0;

			for (int k = 0; k < N; k++)
				s += a[i][k] * b[k][j];
			c[i][j] = s;
		}
	for (int i = 0; i < N; i++)
		tr += c[i][i] * (double)(i + 1);
	return tr;
}

struct p3 {
	double x, y, z, vx, vy, vz, m;
};

static double nbody(int steps)
{
	struct p3 p[8];
	double e = 0;

	for (int i = 0; i < 8; i++)
		p[i] = (struct p3){ i * 1.5, (i % 3) * 2.0 - 2, (i % 2) - 0.5,
				    0.01 * i, -0.02 * (i % 4), 0.005, 1.0 + i };
	for (int s = 0; s < steps; s++) {
		for (int i = 0; i < 8; i++)
			for (int j = i + 1; j < 8; j++) {
				double dx = p[i].x - p[j].x, dy = p[i].y - p[j].y;
				double dz = p[i].z - p[j].z, d2, mag, r;

				d2 = dx * dx + dy * dy + dz * dz + 0.01;
				__asm__("fsqrt.d %0, %1" : "=f"(r) : "f"(d2));
				mag = 0.001 / (d2 * r);
				p[i].vx -= dx * p[j].m * mag;
				p[i].vy -= dy * p[j].m * mag;
				p[i].vz -= dz * p[j].m * mag;
				p[j].vx += dx * p[i].m * mag;
				p[j].vy += dy * p[i].m * mag;
				p[j].vz += dz * p[i].m * mag;
			}
		for (int i = 0; i < 8; i++) {
			p[i].x += 0.001 * p[i].vx;
			p[i].y += 0.001 * p[i].vy;
			p[i].z += 0.001 * p[i].vz;
		}
	}
	for (int i = 0; i < 8; i++)
		e += p[i].m * (p[i].vx * p[i].vx + p[i].vy * p[i].vy);
	return e;
}

static float sig_in[4096], sig_out[4096];

static float fir(int round)
{
	static const float taps[16] = { 0.01f, -0.02f, 0.05f, 0.1f, 0.15f,
		0.2f, 0.22f, 0.25f, 0.25f, 0.22f, 0.2f, 0.15f, 0.1f, 0.05f,
		-0.02f, 0.01f };
	float acc = 0;

	for (int i = 0; i < 4096; i++)
		sig_in[i] = (float)((i * 7 + round) % 29) * 0.1f - 1.4f;
	for (int i = 15; i < 4096; i++) {
		float s = 0;

		for (int k = 0; k < 16; k++)
			s += taps[k] * sig_in[i - k];
		sig_out[i] = s;
		acc += s * s;
	}
	return acc;
}

static uint64_t bits(double x)
{
	uint64_t u;

	memcpy(&u, &x, sizeof(u));
	return u;
}

int main(void)
{
	double m = 0, e = 0;
	float f = 0;

	for (int r = 0; r < ROUNDS; r++) {
		m += matmul(r);
		e += nbody(2000);
		f += fir(r);
	}
	rt_printf("bench_fp: checksum %016lx %016lx %016lx\n", bits(m), bits(e),
		  bits((double)f));
	return 0;
}
