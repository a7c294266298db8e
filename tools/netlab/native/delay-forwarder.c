/*
 * delay-forwarder: the "wire" of a netlab link. It runs inside the router namespace, attached to
 * a TUN device that policy routing sends every forwarded IPv4 packet to. Each packet is read,
 * held for its direction's one-way delay, and written back to the TUN, from where the kernel
 * routes it out of the other veth.
 *
 * It must never reorder packets of one direction (each direction is a FIFO and a packet is never
 * due before the one ahead of it), never write a packet early, and never outlive its parent:
 * end-of-file on stdin (the parent closed the pipe or died) makes it exit.
 *
 * usage: delay-forwarder <tun-name> <delay-a-to-b-us> <delay-b-to-a-us> <b-net-ipv4> <b-prefix>
 * A packet whose destination is inside b-net travels A->B, every other packet B->A.
 *
 * stdin commands, one per line, each answered by one line on stdout:
 *   delay <ab-us> <ba-us>  -> "ok"     change the delays (queued packets keep their due time)
 *   flush                  -> "ok <n>" drop every queued packet (a clean cut for outages)
 *   stats                  -> "stats <fwd-ab> <fwd-ba> <dropped> <max-queued> <n> <p50> <p99> <max>"
 *                             lateness (write time minus due time) in microseconds
 *   reset                  -> "ok"     zero the statistics
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#define MAX_PACKET 65536
#define MAX_QUEUED 200000 /* per direction; beyond this the link tail-drops (a full buffer) */
#define LATE_BUCKETS 100000 /* 1 us buckets up to 100 ms; later packets land in the last one */
#define READS_PER_ROUND 256 /* bound a read burst so due packets are not starved */

typedef struct {
  uint64_t due_ns;
  uint32_t len;
  uint8_t *data;
} packet_t;

typedef struct {
  packet_t *items;
  size_t cap, head, count;
  uint64_t last_due_ns;
} fifo_t;

static fifo_t queues[2];
static uint64_t delay_ns[2];
static uint64_t forwarded[2], dropped, max_queued;
static uint32_t late_hist[LATE_BUCKETS];
static uint64_t late_count, late_max_us;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void die(const char *what) {
  fprintf(stderr, "delay-forwarder: %s: %s\n", what, strerror(errno));
  exit(1);
}

static int fifo_push(fifo_t *q, const uint8_t *data, uint32_t len, uint64_t due) {
  if (q->count >= MAX_QUEUED) return -1;
  if (q->count == q->cap) {
    size_t ncap = q->cap ? q->cap * 2 : 1024;
    packet_t *n = malloc(ncap * sizeof *n);
    if (!n) return -1;
    for (size_t i = 0; i < q->count; i++) n[i] = q->items[(q->head + i) % q->cap];
    free(q->items);
    q->items = n;
    q->cap = ncap;
    q->head = 0;
  }
  uint8_t *copy = malloc(len);
  if (!copy) return -1;
  memcpy(copy, data, len);
  /* FIFO order is the contract: a packet is never due before the one queued ahead of it, even
   * right after the delay was lowered. */
  if (due < q->last_due_ns) due = q->last_due_ns;
  q->last_due_ns = due;
  q->items[(q->head + q->count) % q->cap] = (packet_t){due, len, copy};
  q->count++;
  if (q->count > max_queued) max_queued = q->count;
  return 0;
}

static packet_t *fifo_peek(fifo_t *q) { return q->count ? &q->items[q->head] : NULL; }

static void fifo_pop(fifo_t *q) {
  free(q->items[q->head].data);
  q->head = (q->head + 1) % q->cap;
  q->count--;
}

static size_t fifo_clear(fifo_t *q) {
  size_t n = q->count;
  while (q->count) fifo_pop(q);
  return n;
}

static void record_lateness(uint64_t late_ns) {
  uint64_t us = late_ns / 1000;
  if (us > late_max_us) late_max_us = us;
  late_hist[us < LATE_BUCKETS ? us : LATE_BUCKETS - 1]++;
  late_count++;
}

static uint64_t late_percentile(double p) {
  if (!late_count) return 0;
  uint64_t want = (uint64_t)(p * (double)late_count + 0.999999), seen = 0;
  if (want < 1) want = 1;
  for (uint64_t i = 0; i < LATE_BUCKETS; i++) {
    seen += late_hist[i];
    if (seen >= want) return i;
  }
  return LATE_BUCKETS - 1;
}

static int open_tun(const char *name) {
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) die("open /dev/net/tun");
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) die("TUNSETIFF");
  return fd;
}

/* Returns 0 when the packet travels A->B, 1 for B->A. */
static uint32_t b_net, b_mask;
static int direction_of(const uint8_t *p, ssize_t len) {
  if (len >= 20 && (p[0] >> 4) == 4) {
    uint32_t dst;
    memcpy(&dst, p + 16, 4);
    return (ntohl(dst) & b_mask) == b_net ? 0 : 1;
  }
  return 1;
}

static void write_due(int tun, uint64_t now) {
  for (int d = 0; d < 2; d++) {
    packet_t *pk;
    while ((pk = fifo_peek(&queues[d])) && pk->due_ns <= now) {
      if (write(tun, pk->data, pk->len) < 0) dropped++;
      else forwarded[d]++;
      record_lateness(now_ns() - pk->due_ns);
      fifo_pop(&queues[d]);
    }
  }
}

static void read_burst(int tun) {
  static uint8_t buf[MAX_PACKET];
  for (int i = 0; i < READS_PER_ROUND; i++) {
    ssize_t n = read(tun, buf, sizeof buf);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) return;
      die("read tun");
    }
    int d = direction_of(buf, n);
    if (fifo_push(&queues[d], buf, (uint32_t)n, now_ns() + delay_ns[d]) < 0) dropped++;
  }
}

static void handle_command(char *line) {
  unsigned long long ab, ba;
  if (sscanf(line, "delay %llu %llu", &ab, &ba) == 2) {
    delay_ns[0] = ab * 1000ull;
    delay_ns[1] = ba * 1000ull;
    printf("ok\n");
  } else if (strcmp(line, "flush") == 0) {
    size_t n = fifo_clear(&queues[0]) + fifo_clear(&queues[1]);
    printf("ok %zu\n", n);
  } else if (strcmp(line, "stats") == 0) {
    printf("stats %llu %llu %llu %llu %llu %llu %llu %llu\n", (unsigned long long)forwarded[0],
           (unsigned long long)forwarded[1], (unsigned long long)dropped,
           (unsigned long long)max_queued, (unsigned long long)late_count,
           (unsigned long long)late_percentile(0.5), (unsigned long long)late_percentile(0.99),
           (unsigned long long)late_max_us);
  } else if (strcmp(line, "reset") == 0) {
    forwarded[0] = forwarded[1] = dropped = max_queued = late_count = late_max_us = 0;
    memset(late_hist, 0, sizeof late_hist);
    printf("ok\n");
  } else {
    printf("error unknown command\n");
  }
  fflush(stdout);
}

/* Returns 0 on end-of-file: the parent is gone, so the link goes down with it. */
static int read_commands(void) {
  static char cmd[4096];
  static size_t used;
  ssize_t n = read(STDIN_FILENO, cmd + used, sizeof cmd - 1 - used);
  if (n == 0) return 0;
  if (n < 0) return errno == EAGAIN || errno == EINTR ? 1 : 0;
  used += (size_t)n;
  cmd[used] = 0;
  char *start = cmd, *nl;
  while ((nl = strchr(start, '\n'))) {
    *nl = 0;
    handle_command(start);
    start = nl + 1;
  }
  used -= (size_t)(start - cmd);
  memmove(cmd, start, used);
  if (used == sizeof cmd - 1) used = 0; /* a line too long to be a command: discard it */
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: %s <tun> <ab-us> <ba-us> <b-net> <b-prefix>\n", argv[0]);
    return 2;
  }
  struct in_addr net;
  if (inet_pton(AF_INET, argv[4], &net) != 1) die("b-net");
  int prefix = atoi(argv[5]);
  b_mask = prefix <= 0 ? 0 : 0xffffffffu << (32 - prefix);
  b_net = ntohl(net.s_addr) & b_mask;
  delay_ns[0] = strtoull(argv[2], NULL, 10) * 1000ull;
  delay_ns[1] = strtoull(argv[3], NULL, 10) * 1000ull;
  signal(SIGPIPE, SIG_IGN);
  prctl(PR_SET_PDEATHSIG, SIGKILL);

  /* Precision: hrtimer wake-ups without the default 50 us slack, and a real-time priority so a
   * busy machine does not delay the write. Both are best effort: without them the link still
   * works, only with more lateness (reported by "stats"). */
  prctl(PR_SET_TIMERSLACK, 1UL);
  struct sched_param sp = {.sched_priority = 20};
  int realtime = sched_setscheduler(0, SCHED_FIFO, &sp) == 0;
  mlockall(MCL_CURRENT);

  int tun = open_tun(argv[1]);
  fcntl(STDIN_FILENO, F_SETFL, fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);
  printf("ready %d\n", realtime);
  fflush(stdout);

  for (;;) {
    uint64_t now = now_ns();
    write_due(tun, now);
    uint64_t next = UINT64_MAX;
    for (int d = 0; d < 2; d++) {
      packet_t *pk = fifo_peek(&queues[d]);
      if (pk && pk->due_ns < next) next = pk->due_ns;
    }
    struct timespec timeout, *tp = NULL;
    if (next != UINT64_MAX) {
      now = now_ns();
      uint64_t wait = next > now ? next - now : 0;
      timeout.tv_sec = (time_t)(wait / 1000000000ull);
      timeout.tv_nsec = (long)(wait % 1000000000ull);
      tp = &timeout;
    }
    struct pollfd fds[2] = {{tun, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
    if (ppoll(fds, 2, tp, NULL) < 0) {
      if (errno == EINTR) continue;
      die("ppoll");
    }
    if (fds[0].revents & POLLIN) read_burst(tun);
    if (fds[0].revents & (POLLERR | POLLHUP)) die("tun closed");
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      if (!read_commands()) return 0;
    }
  }
}
