// SPDX-License-Identifier: MIT
/*
 * The target extensions through the real iptables command in-process
 * (ns_exec on a struct net): exit code and messages of -A, the rule's line
 * in -S, -L and -L -n, compared with what iptables-legacy 1.8.9 printed on
 * Linux 6.18 for the same rules (ipt_target_vectors.h), and iptables' own
 * .t files for REJECT, LOG, MARK, TOS and DSCP run as their README says
 * (OK: -A works, -S shows the save form, -D removes it; FAIL: -A fails and
 * nothing changes).
 */
#include "tg_harness.h"

#include "ipt_target_vectors.h"

static int run(struct net *net, char **out, char **err, const char *fmt, ...)
	NS_PRINTF(4, 5);

static int run(struct net *net, char **out, char **err, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	*out = *err = NULL;
	return ns_exec(net, line, out, err);
}

/* The last line of text (without its newline), or the first "-A" line. */
static void pick(const char *text, bool want_rule, char *dst, size_t n)
{
	const char *p = text, *best = NULL, *nl;

	dst[0] = '\0';
	while (*p) {
		nl = strchr(p, '\n');
		if (!want_rule || !strncmp(p, "-A ", 3)) {
			best = p;
			if (want_rule)
				break;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	if (!best)
		return;
	nl = strchr(best, '\n');
	snprintf(dst, n, "%.*s", (int)(nl ? nl - best : (long)strlen(best)),
		 best);
}

static void test_vectors(void **state)
{
	struct net *net;
	char *out, *err, got[512];
	size_t i;
	int rc;

	assert_int_equal(ns_net_create(&net), 0);
	for (i = 0; i < ARRAY_SIZE(ipt_vecs); i++) {
		const struct ipt_vec *v = &ipt_vecs[i];

		rc = run(net, &out, &err, "iptables -t %s -A %s %s", v->table,
			 v->chain, v->rule);
		if (rc != v->rc || strcmp(err, v->err))
			fail_msg("%s: rc %d [%s], want %d [%s]", v->rule, rc,
				 err, v->rc, v->err);
		free(out);
		free(err);
		if (v->rc)
			continue;
		run(net, &out, &err, "iptables -t %s -S %s", v->table,
		    v->chain);
		pick(out, true, got, sizeof(got));
		if (strcmp(got, v->save))
			fail_msg("-S: [%s], want [%s]", got, v->save);
		free(out);
		free(err);
		run(net, &out, &err, "iptables -t %s -L %s", v->table,
		    v->chain);
		pick(out, false, got, sizeof(got));
		if (strcmp(got, v->list))
			fail_msg("-L: [%s], want [%s]", got, v->list);
		free(out);
		free(err);
		run(net, &out, &err, "iptables -t %s -L %s -n", v->table,
		    v->chain);
		pick(out, false, got, sizeof(got));
		if (strcmp(got, v->nlist))
			fail_msg("-L -n: [%s], want [%s]", got, v->nlist);
		free(out);
		free(err);
		rc = run(net, &out, &err, "iptables -t %s -D %s %s", v->table,
			 v->chain, v->rule);
		if (rc)
			fail_msg("-D %s: %s", v->rule, err);
		free(out);
		free(err);
	}
	ns_net_destroy(net);
}

/* Every rule of the whole ruleset, as iptables-save prints it. */
static char *save_all(struct net *net)
{
	char *out, *err;

	assert_int_equal(run(net, &out, &err, "iptables-save"), 0);
	free(err);
	return out;
}

/*
 * Keep only the rules ("-A" lines): the "# Generated" lines carry the time,
 * and a table shows up in iptables-save once any command touched it, even
 * a failing one (the kernel loads the table module then too).
 */
static void strip_comments(char *s)
{
	char *r = s, *w = s;

	while (*r) {
		char *nl = strchr(r, '\n');
		size_t len = nl ? (size_t)(nl - r + 1) : strlen(r);

		if (!strncmp(r, "-A ", 3)) {
			memmove(w, r, len);
			w += len;
		}
		r += len;
	}
	*w = '\0';
}

static int t_file(const char *file)
{
	char line[1024], table[32] = "filter", chains[8][32], want[2200];
	int nchains = 0, checked = 0, c;
	struct net *net;
	FILE *f = tg_conf_open(file);

	if (!f)
		return 0;
	assert_int_equal(ns_net_create(&net), 0);
	while (fgets(line, sizeof(line), f)) {
		char *rule, *save, *result, *p, *out, *err, *before, *after;
		int rc;

		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#' || line[0] == '@' ||
		    line[0] == '%')
			continue;
		if (line[0] == ':') {
			nchains = 0;
			for (p = strtok(line + 1, ","); p && nchains < 8;
			     p = strtok(NULL, ","))
				snprintf(chains[nchains++], 32, "%.31s", p);
			continue;
		}
		if (line[0] == '*') {
			snprintf(table, sizeof(table), "%.31s", line + 1);
			continue;
		}
		rule = line;
		save = strchr(rule, ';');
		assert_non_null(save);
		*save++ = '\0';
		result = strchr(save, ';');
		assert_non_null(result);
		*result++ = '\0';
		p = strchr(result, ';');
		if (p)
			*p = '\0';
		for (c = 0; c < nchains; c++) {
			before = save_all(net);
			strip_comments(before);
			rc = run(net, &out, &err, "iptables -t %s -A %s %s",
				 table, chains[c], rule);
			free(out);
			if (!strcmp(result, "FAIL")) {
				if (rc == 0)
					fail_msg("%s %s %s: accepted", table,
						 chains[c], rule);
				after = save_all(net);
				strip_comments(after);
				assert_string_equal(before, after);
				free(after);
			} else if (!strcmp(result, "OK")) {
				if (rc)
					fail_msg("%s %s %s: %s", table,
						 chains[c], rule, err);
				after = save_all(net);
				snprintf(want, sizeof(want), "\n-A %s %s\n",
					 chains[c],
					 strcmp(save, "=") ? save : rule);
				if (!strstr(after, want))
					fail_msg("%s: no [%s] in\n%s", rule,
						 want, after);
				free(after);
				free(err);
				rc = run(net, &out, &err,
					 "iptables -t %s -D %s %s", table,
					 chains[c], rule);
				if (rc)
					fail_msg("-D %s: %s", rule, err);
				free(out);
				after = save_all(net);
				strip_comments(after);
				assert_string_equal(before, after);
				free(after);
			}
			free(err);
			free(before);
			checked++;
		}
	}
	fclose(f);
	ns_net_destroy(net);
	return checked;
}

static void test_t_files(void **state)
{
	static const char *const files[] = {
		"libipt_REJECT.t", "libipt_LOG.t", "libxt_MARK.t",
		"libxt_TOS.t", "libxt_DSCP.t",
	};
	size_t i;
	int n;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		n = t_file(files[i]);
		if (n == 0)
			skip();
		assert_true(n >= 18);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_t_files),
	};

	return cmocka_run_group_tests_name("target_iptables", tests, NULL,
					   NULL);
}
