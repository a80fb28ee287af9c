// SPDX-License-Identifier: MIT
/*
 * The "pcap" I/O backend: an interface whose transmitted frames are appended
 * to a pcap file (DLT_EN10MB, nanosecond timestamps) with libpcap's
 * pcap_dump(), each stamped with pkt->tstamp_ns, the time of the packet that
 * caused it. `netsieve replay` creates one per --in/--out interface; the
 * replay driver reads the input files itself (it merges several inputs by
 * timestamp), so rx_burst delivers nothing. An empty argument makes an
 * interface whose frames are counted and discarded.
 *
 * open/close run on the control path (they allocate and open files); tx runs
 * on the data path and only writes into libpcap's stdio buffer.
 */
#include "io/io.h"

#include "base/compiler.h"
#include "pkt/pkt.h"
#include "core/netdev.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

/* Frames are never longer than a packet buffer; keep headroom for jumbo. */
#define IO_PCAP_SNAPLEN 65535

struct io_pcap {
	pcap_t *dead;           /* a "dead" handle carrying DLT and precision */
	pcap_dumper_t *dumper;  /* NULL: discard (counted in tx_frames) */
	uint64_t tx_frames;     /* frames handed to tx, written or not */
	uint64_t tx_written;    /* frames written to the file */
};

/*
 * Bind dev to an output file. arg is the path of the pcap file to create
 * (truncated if it exists), or NULL/"" for no file. Control path. Returns
 * 0, -ENOMEM, or -EIO when the file cannot be created (libpcap says why
 * only in text; the caller has the path for its message).
 */
static int iop_open(struct netdev *dev, const char *arg, int nqueues)
{
	struct io_pcap *p;

	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	if (arg && arg[0]) {
		p->dead = pcap_open_dead_with_tstamp_precision(
			DLT_EN10MB, IO_PCAP_SNAPLEN,
			PCAP_TSTAMP_PRECISION_NANO);
		if (!p->dead)
			goto err_free;
		p->dumper = pcap_dump_open(p->dead, arg);
		if (!p->dumper)
			goto err_close_dead;
	}
	dev->io_priv = p;
	return 0;

err_close_dead:
	pcap_close(p->dead);
err_free:
	free(p);
	return -EIO;
}

/* Flush and close the file. Control path. */
static void iop_close(struct netdev *dev)
{
	struct io_pcap *p = dev->io_priv;

	if (!p)
		return;
	if (p->dumper)
		pcap_dump_close(p->dumper);
	if (p->dead)
		pcap_close(p->dead);
	free(p);
	dev->io_priv = NULL;
}

/* Replay feeds packets itself: nothing to receive here. */
static int iop_rx_burst(struct netdev *dev, int q, struct pkt_pool *pool,
			struct pkt **pkts, int n)
{
	return 0;
}

/*
 * Append pkt's frame (pkt->data, pkt->len) with pkt->tstamp_ns as its
 * time. Does not consume pkt. Data path: no allocation (libpcap writes into
 * its stdio buffer). Returns 0, or -EIO if the write failed.
 */
static int iop_tx(struct netdev *dev, const struct pkt *pkt)
{
	struct io_pcap *p = dev->io_priv;
	struct pcap_pkthdr h;

	if (unlikely(!p))
		return -EIO;
	p->tx_frames++;
	if (!p->dumper)
		return 0;
	/* With nano precision, ts.tv_usec carries nanoseconds. */
	h.ts.tv_sec = (time_t)(pkt->tstamp_ns / 1000000000ull);
	h.ts.tv_usec = (suseconds_t)(pkt->tstamp_ns % 1000000000ull);
	h.caplen = pkt->len;
	h.len = pkt->len;
	pcap_dump((u_char *)p->dumper, &h, pkt->data);
	if (unlikely(ferror(pcap_dump_file(p->dumper))))
		return -EIO;
	p->tx_written++;
	return 0;
}

static int iop_fd(const struct netdev *dev, int q)
{
	return -1;
}

static const struct io_ops io_pcap_ops = {
	.kind = "pcap",
	.open = iop_open,
	.close = iop_close,
	.rx_burst = iop_rx_burst,
	.tx = iop_tx,
	.fd = iop_fd,
};

static NS_CONSTRUCTOR void io_pcap_register(void)
{
	io_register(&io_pcap_ops);
}
