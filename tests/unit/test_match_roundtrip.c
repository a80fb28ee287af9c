// SPDX-License-Identifier: MIT
/*
 * Property tests over the tcp, udp, icmp, multiport, iprange, mark and
 * length matches: random (seeded) option arguments either fail with a
 * message or parse to a rule whose iptables-save text parses back to the
 * same text; and match() on random packets (random bytes, lengths,
 * truncations and fragment offsets) never reads out of bounds (run under
 * ASan in `make check`) and only hot-drops a packet without matching it.
 */
#include "xt_match_harness.h"

struct spec {
	const char *match;
	uint16_t proto;
	const char *opts[4];
	const char *alphabet;
};

static const struct spec specs[] = {
	{ "tcp", 6, { "--sport", "--dport", "--tcp-option", "--tcp-flags" },
	  "0123456789:x-" },
	{ "tcp", 6, { "--tcp-flags" }, "SYN,ACKFINRSTPSHURGALLNONE" },
	{ "udp", 17, { "--sport", "--dport" }, "0123456789::" },
	{ "icmp", 1, { "--icmp-type" }, "0123456789/:x" },
	{ "icmp", 1, { "--icmp-type" }, "echo-rqupnaty" },
	{ "multiport", 6, { "--sports", "--dports", "--ports" },
	  "0123456789,,:" },
	{ "multiport", 17, { "--ports" }, "0123456789,:" },
	{ "iprange", 0, { "--src-range", "--dst-range" }, "0123456789..-x" },
	{ "mark", 0, { "--mark" }, "0123456789abcdefx/" },
	{ "length", 0, { "--length" }, "0123456789:" },
};

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static void rand_word(char *w, size_t cap, const char *alphabet)
{
	size_t n = 1 + rnd() % 12, i, a = strlen(alphabet);

	if (n >= cap)
		n = cap - 1;
	for (i = 0; i < n; i++)
		w[i] = alphabet[rnd() % a];
	w[n] = '\0';
}

static struct pkt pkt;

static void poke(struct hm *m)
{
	uint8_t l4[64];
	int i, j, r;

	for (i = 0; i < 40; i++) {
		uint16_t len = (uint16_t)(rnd() % 61);
		uint16_t frag = (uint16_t)((rnd() % 4 == 0) ? rnd() % 4 : 0);

		for (j = 0; j < (int)sizeof(l4); j++)
			l4[j] = (uint8_t)rnd();
		hm_pkt(&pkt, (uint8_t)m->ip.proto, rnd(), rnd(), l4, len, frag,
		      rnd() & 1);
		pkt.mark = rnd();
		r = hm_match(m, &pkt);
		assert_true(r >= -1 && r <= 1);
	}
}

static void test_roundtrip(void **state)
{
	char opts[256], word[32], save1[1024];
	unsigned ok = 0, bad = 0;
	size_t s, k;
	int i;

	for (s = 0; s < ARRAY_SIZE(specs); s++) {
		for (i = 0; i < 3000; i++) {
			const struct spec *sp = &specs[s];
			struct hm m, m2;
			size_t nopts = 0;

			while (nopts < 4 && sp->opts[nopts])
				nopts++;
			k = rnd() % nopts;
			rand_word(word, sizeof(word), sp->alphabet);
			snprintf(opts, sizeof(opts), "%s%s %s",
				 (rnd() & 3) == 0 ? "! " : "", sp->opts[k],
				 word);
			if (!strcmp(sp->opts[k], "--tcp-flags")) {
				size_t n = strlen(opts);

				opts[n++] = ' ';
				rand_word(opts + n, sizeof(opts) - n,
					  "SYN,ACKFINRSTALLNONE");
			}
			if (hm_parse(&m, sp->match, sp->proto, opts)) {
				/* A refusal always says why. */
				assert_true(hm_err(&m)[0] != '\0');
				hm_free(&m);
				bad++;
				continue;
			}
			ok++;
			snprintf(save1, sizeof(save1), "%s", hm_save(&m));
			hm_print(&m, true);
			hm_print(&m, false);
			poke(&m);
			/* The saved text loads back to the same rule text. */
			if (hm_parse(&m2, sp->match, sp->proto, save1))
				fail_msg("%s '%s' -> '%s' does not parse: %s",
					 sp->match, opts, save1, hm_err(&m2));
			assert_string_equal(hm_save(&m2), save1);
			hm_free(&m2);
			hm_free(&m);
		}
	}
	print_message("parsed %u, refused %u\n", ok, bad);
	/* Both outcomes happen, or the generator is broken. */
	assert_true(ok > 1000);
	assert_true(bad > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
	};

	return cmocka_run_group_tests_name("match_roundtrip", tests, NULL,
					   NULL);
}
