/* SPDX-License-Identifier: MIT */
/*
 * Floating-point work: a five-body planetary simulation (its energy drift
 * after 1000 steps is a well-known figure), matrix multiplication (exact on
 * integer-valued doubles, then on fractions), Newton's square root against
 * fsqrt, series for pi, e and ln 2, Taylor sine/cosine and a single-
 * precision sum. Results are checked against known values within a
 * tolerance and printed both in decimal and as raw bits, so any difference
 * in rounding shows up in the comparison with QEMU.
 */
#include "rt.h"

static double fsqrt(double x)
{
	double r;

	__asm__("fsqrt.d %0, %1" : "=f"(r) : "f"(x));
	return r;
}

static double fabs_(double x)
{
	return x < 0 ? -x : x;
}

static uint64_t bits(double x)
{
	uint64_t u;

	memcpy(&u, &x, sizeof(u));
	return u;
}

static void show(const char *what, double v, int decimals)
{
	char b[48];

	rt_fmt_fixed(b, sizeof(b), v, decimals);
	rt_printf("%-12s %s (%016lx)\n", what, b, bits(v));
	rt_sig_add(bits(v));
}

#define CHECK_NEAR(v, want, tol) CHECK(fabs_((v) - (want)) <= (tol))

/* ---- n-body ---- */

#define PI 3.141592653589793
#define SOLAR_MASS (4 * PI * PI)
#define DPY 365.24

struct body {
	double x, y, z, vx, vy, vz, m;
};

static struct body sys[5] = {
	{ 0, 0, 0, 0, 0, 0, SOLAR_MASS },
	{ 4.84143144246472090e+00, -1.16032004402742839e+00,
	  -1.03622044471123109e-01, 1.66007664274403694e-03 * DPY,
	  7.69901118419740425e-03 * DPY, -6.90460016972063023e-05 * DPY,
	  9.54791938424326609e-04 * SOLAR_MASS },
	{ 8.34336671824457987e+00, 4.12479856412430479e+00,
	  -4.03523417114321381e-01, -2.76742510726862411e-03 * DPY,
	  4.99852801234917238e-03 * DPY, 2.30417297573763929e-05 * DPY,
	  2.85885980666130812e-04 * SOLAR_MASS },
	{ 1.28943695621391310e+01, -1.51111514016986312e+01,
	  -2.23307578892655734e-01, 2.96460137564761618e-03 * DPY,
	  2.37847173959480950e-03 * DPY, -2.96589568540237556e-05 * DPY,
	  4.36624404335156298e-05 * SOLAR_MASS },
	{ 1.53796971148509165e+01, -2.59193146099879641e+01,
	  1.79258772950371181e-01, 2.68067772490389322e-03 * DPY,
	  1.62824170038242295e-03 * DPY, -9.51592254519715870e-05 * DPY,
	  5.15138902046611451e-05 * SOLAR_MASS },
};

static double energy(void)
{
	double e = 0;

	for (int i = 0; i < 5; i++) {
		const struct body *b = &sys[i];

		e += 0.5 * b->m * (b->vx * b->vx + b->vy * b->vy + b->vz * b->vz);
		for (int j = i + 1; j < 5; j++) {
			double dx = b->x - sys[j].x, dy = b->y - sys[j].y;
			double dz = b->z - sys[j].z;

			e -= b->m * sys[j].m / fsqrt(dx * dx + dy * dy + dz * dz);
		}
	}
	return e;
}

static void advance(double dt)
{
	for (int i = 0; i < 5; i++)
		for (int j = i + 1; j < 5; j++) {
			struct body *a = &sys[i], *b = &sys[j];
			double dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;
			double d2 = dx * dx + dy * dy + dz * dz;
			double mag = dt / (d2 * fsqrt(d2));

			a->vx -= dx * b->m * mag;
			a->vy -= dy * b->m * mag;
			a->vz -= dz * b->m * mag;
			b->vx += dx * a->m * mag;
			b->vy += dy * a->m * mag;
			b->vz += dz * a->m * mag;
		}
	for (int i = 0; i < 5; i++) {
		sys[i].x += dt * sys[i].vx;
		sys[i].y += dt * sys[i].vy;
		sys[i].z += dt * sys[i].vz;
	}
}

static void test_nbody(void)
{
	double px = 0, py = 0, pz = 0, e0, e1;

	for (int i = 0; i < 5; i++) {
		px += sys[i].vx * sys[i].m;
		py += sys[i].vy * sys[i].m;
		pz += sys[i].vz * sys[i].m;
	}
	sys[0].vx = -px / SOLAR_MASS;
	sys[0].vy = -py / SOLAR_MASS;
	sys[0].vz = -pz / SOLAR_MASS;
	e0 = energy();
	for (int s = 0; s < 1000; s++)
		advance(0.01);
	e1 = energy();
	show("nbody e0", e0, 9);
	show("nbody e1", e1, 9);
	CHECK_NEAR(e0, -0.169075164, 1e-9);
	CHECK_NEAR(e1, -0.169087605, 1e-9);
}

/* ---- matrices ---- */

#define M 40

static double ma[M][M], mb[M][M], mc[M][M];
static int64_t ia[M][M], ib[M][M];

static void matmul(void)
{
	for (int i = 0; i < M; i++)
		for (int j = 0; j < M; j++) {
			double s = 0;

			for (int k = 0; k < M; k++)
				s += ma[i][k] * mb[k][j];
			mc[i][j] = s;
		}
}

static void test_matrix(void)
{
	int exact = 1;
	double trace = 0, sum = 0;

	for (int i = 0; i < M; i++)
		for (int j = 0; j < M; j++) {
			ia[i][j] = (i * 7 + j * 3) % 11 - 5;
			ib[i][j] = (i * 5 + j * 13) % 17 - 8;
			ma[i][j] = (double)ia[i][j];
			mb[i][j] = (double)ib[i][j];
		}
	matmul();
	for (int i = 0; i < M; i++)
		for (int j = 0; j < M; j++) {
			int64_t s = 0;

			for (int k = 0; k < M; k++)
				s += ia[i][k] * ib[k][j];
			exact &= mc[i][j] == (double)s;
		}
	CHECK(exact);
	for (int i = 0; i < M; i++)
		for (int j = 0; j < M; j++) {
			ma[i][j] = 1.0 / (i + j + 1);           /* Hilbert */
			mb[i][j] = (i == j) + 0.001 * (i - j);
		}
	matmul();
	for (int i = 0; i < M; i++) {
		trace += mc[i][i];
		for (int j = 0; j < M; j++)
			sum += mc[i][j];
	}
	show("hilbert tr", trace, 9);
	show("hilbert sum", sum, 9);
}

/* ---- square roots, series ---- */

static double newton_sqrt(double x)
{
	double r = x > 1 ? x / 2 : 1;

	for (int i = 0; i < 60; i++)
		r = 0.5 * (r + x / r);
	return r;
}

static void test_sqrt(void)
{
	double worst = 0, acc = 0;

	for (int k = 1; k <= 200; k++) {
		double a = newton_sqrt(k * 1.37), b = fsqrt(k * 1.37);

		if (fabs_(a - b) / b > worst)
			worst = fabs_(a - b) / b;
		acc += b;
	}
	CHECK(worst < 1e-15);
	show("sqrt sum", acc, 9);
	CHECK_EQ(bits(fsqrt(2.0)), 0x3ff6a09e667f3bcdul);
}

static double atan_series(double x)
{
	double term = x, sum = 0;

	for (int n = 1; n < 60; n += 2) {
		sum += term / n;
		term *= -x * x;
	}
	return sum;
}

static void test_series(void)
{
	double pi = 16 * atan_series(1.0 / 5) - 4 * atan_series(1.0 / 239);
	double e = 1, f = 1, ln2, t = 1.0 / 3, s = 0;

	for (int n = 1; n < 25; n++) {
		f /= n;
		e += f;
	}
	for (int n = 1; n < 80; n += 2) {
		s += t / n;
		t /= 9;
	}
	ln2 = 2 * s;
	show("pi", pi, 9);
	show("e", e, 9);
	show("ln2", ln2, 9);
	CHECK_NEAR(pi, 3.141592653589793, 1e-14);
	CHECK_NEAR(e, 2.718281828459045, 1e-14);
	CHECK_NEAR(ln2, 0.6931471805599453, 1e-14);
}

static void sincos(double x, double *s, double *c)
{
	double term = x, ss = 0, cc = 0, t2 = 1;

	for (int n = 1; n < 40; n += 2) {
		ss += term;
		term *= -x * x / ((n + 1) * (n + 2));
	}
	for (int n = 0; n < 40; n += 2) {
		cc += t2;
		t2 *= -x * x / ((n + 1) * (n + 2));
	}
	*s = ss;
	*c = cc;
}

static void test_trig(void)
{
	double worst = 0, acc = 0, s, c;

	for (int i = -30; i <= 30; i++) {
		sincos(i * 0.1, &s, &c);
		if (fabs_(s * s + c * c - 1) > worst)
			worst = fabs_(s * s + c * c - 1);
		acc += s * 0.5 + c;
	}
	sincos(PI / 6, &s, &c);
	CHECK_NEAR(s, 0.5, 1e-15);
	CHECK(worst < 1e-14);
	show("trig acc", acc, 9);
}

static void test_single(void)
{
	float f = 0, g = 1;

	for (int n = 1; n <= 4000; n++)
		f += 1.0f / ((float)n * (float)n);
	for (int n = 0; n < 30; n++)
		g = g * 1.1f - 0.05f;
	show("basel f32", f, 6);
	show("affine f32", g, 4);
	CHECK_NEAR(f, PI * PI / 6, 1e-3);
}

int main(void)
{
	test_nbody();
	test_matrix();
	test_sqrt();
	test_series();
	test_trig();
	test_single();
	return rt_done("prog_float");
}
