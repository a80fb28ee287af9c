// SPDX-License-Identifier: MIT
/*
 * Errors of the iptables tools: how the core records a refusal (the kind
 * iptables would report and its message) and how a tool prints it, with
 * iptables-legacy 1.8.9's words and exit code; and the one line netsieve
 * adds after them when the command used a table or extension it does not
 * implement yet. Control path only.
 */
#include "xt/xt_int.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

int xt_err_set(struct xt_err *e, enum xt_err_kind kind, const char *fmt, ...)
{
	va_list ap;

	e->kind = kind;
	sbuf_reset(&e->msg);
	sbuf_adds(&e->msg, "");
	va_start(ap, fmt);
	sbuf_vaddf(&e->msg, fmt, ap);
	va_end(ap);
	return -1;
}

int xt_err_kernel(struct xt_err *e, int errnum, const char *msg)
{
	xt_err_set(e, XT_E_KERNEL, "%s", msg ? msg : strerror(errnum));
	e->errnum = errnum;
	return -1;
}

int xt_err_report(const struct xt_err *e, const char *prog,
		  struct sbuf *err)
{
	switch (e->kind) {
	case XT_E_NONE:
		return 0;
	case XT_E_KERNEL:
		sbuf_addf(err, "%s: %s.%s\n", prog, sbuf_str(&e->msg),
			  e->errnum == EINVAL ?
			  " Run `dmesg' for more information." : "");
		return 1;
	case XT_E_PARAM:
		sbuf_addf(err, "%s " XT_VERSION " (legacy): %s\n", prog,
			  sbuf_str(&e->msg));
		sbuf_addf(err, "Try `%s -h' or '%s --help' for more "
			  "information.\n", prog, prog);
		return 2;
	case XT_E_BADARG:
		sbuf_addf(err, "Bad argument `%s'\n", sbuf_str(&e->msg));
		sbuf_addf(err, "Try `%s -h' or '%s --help' for more "
			  "information.\n", prog, prog);
		return 2;
	case XT_E_TABLE:
		sbuf_addf(err, "%s " XT_VERSION " (legacy): %s\n", prog,
			  sbuf_str(&e->msg));
		sbuf_adds(err, "Perhaps iptables or your kernel needs to be "
			  "upgraded.\n");
		return 3;
	case XT_E_OTHER:
		sbuf_addf(err, "%s " XT_VERSION " (legacy): %s\n", prog,
			  sbuf_str(&e->msg));
		return 1;
	case XT_E_TRYHELP:
		sbuf_addf(err, "Try `%s -h' or '%s --help' for more "
			  "information.\n", prog, prog);
		return 2;
	}
	return 1;
}

void xt_unsupported_note(struct sbuf *what, const char *fmt, ...)
{
	va_list ap;

	if (!what || what->len)
		return;
	va_start(ap, fmt);
	sbuf_vaddf(what, fmt, ap);
	va_end(ap);
}

void xt_unsupported_table(struct sbuf *what, const char *table)
{
	if (!what)
		return;
	sbuf_reset(what);
	xt_unsupported_note(what, "the %s table", table);
}

void xt_unsupported_report(const struct sbuf *what, struct sbuf *err)
{
	if (what && what->len)
		sbuf_addf(err, "netsieve: %s is not supported yet\n",
			  sbuf_str(what));
}
