// SPDX-License-Identifier: MIT
/*
 * Raw-netlink reference for the service benchmark (scripts/bench-serve.mjs): the lower bound
 * of "dump every netns". Reads netns paths (one per line) from stdin, splits them over
 * THREADS pthreads; each thread, per netns: open + setns(CLONE_NEWNET) (its own thread only),
 * socket(AF_NETLINK, NETLINK_ROUTE), dumps RTM_GETLINK, RTM_GETADDR, RTM_GETROUTE (all
 * families and tables) and RTM_GETRULE, reading each until NLMSG_DONE. Prints one JSON line:
 * {"netns":N,"ms":T,"bytes":B,"errors":E}. Build: cc -O2 -pthread -o rawnetlink rawnetlink.c
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/fib_rules.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define THREADS 2

static char **paths;
static int npaths;

struct result {
	long bytes;
	int errors;
	int index;
};

static int dump(int fd, int type, int seq, long *bytes)
{
	struct {
		struct nlmsghdr nh;
		struct rtgenmsg g;
		char pad[16];
	} req;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(type == RTM_GETRULE ? sizeof(struct fib_rule_hdr) : sizeof(struct rtgenmsg));
	req.nh.nlmsg_type = type;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nh.nlmsg_seq = seq;
	req.g.rtgen_family = AF_UNSPEC;
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0)
		return -1;
	static __thread char buf[1 << 16];
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n <= 0)
			return -1;
		*bytes += n;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR)
				return -1;
		}
	}
}

static void *worker(void *arg)
{
	struct result *r = arg;
	for (int i = r->index; i < npaths; i += THREADS) {
		int nsfd = open(paths[i], O_RDONLY | O_CLOEXEC);
		if (nsfd < 0 || setns(nsfd, CLONE_NEWNET) < 0) {
			r->errors++;
			if (nsfd >= 0)
				close(nsfd);
			continue;
		}
		close(nsfd);
		int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
		if (fd < 0) {
			r->errors++;
			continue;
		}
		int types[] = {RTM_GETLINK, RTM_GETADDR, RTM_GETROUTE, RTM_GETRULE};
		for (int t = 0; t < 4; t++)
			if (dump(fd, types[t], t + 1, &r->bytes) < 0)
				r->errors++;
		close(fd);
	}
	return NULL;
}

int main(void)
{
	size_t cap = 1024;
	paths = calloc(cap, sizeof(char *));
	char line[4096];
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = 0;
		if (!line[0])
			continue;
		if ((size_t)npaths == cap)
			paths = realloc(paths, (cap *= 2) * sizeof(char *));
		paths[npaths++] = strdup(line);
	}
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	pthread_t th[THREADS];
	struct result res[THREADS];
	for (int i = 0; i < THREADS; i++) {
		res[i] = (struct result){0, 0, i};
		pthread_create(&th[i], NULL, worker, &res[i]);
	}
	long bytes = 0;
	int errors = 0;
	for (int i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		bytes += res[i].bytes;
		errors += res[i].errors;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	double ms = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
	printf("{\"netns\":%d,\"ms\":%.3f,\"bytes\":%ld,\"errors\":%d}\n", npaths, ms, bytes, errors);
	return 0;
}
