/* iatk send: NDJSON events from stdin or files -> an iatk_sender (lib/sink)
 * -> EventBridge, SQS, Kinesis or Lambda.  This file only reads lines,
 * records failures and prints; batching, concurrency, rate and retries
 * are the library's. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "cli.h"

static const char send_help[] =
    "usage: iatk send (--event-bus BUS | --queue-url URL | --stream NAME |\n"
    "                  --lambda FUNCTION --async) [options] [FILE...]\n"
    "\n"
    "Deliver NDJSON events (one JSON object a line, from the FILEs or, with\n"
    "none or '-', standard input) to AWS, several requests in flight.\n"
    "Every event is either acknowledged by AWS or written, unchanged, to the\n"
    "--failed file, which 'iatk send' can replay.\n"
    "\n"
    "target (one):\n"
    "  --event-bus BUS        EventBridge PutEvents to a bus name or ARN; the\n"
    "                         envelope's source, detail-type, detail (needed),\n"
    "                         resources and time become the entry; 10 entries\n"
    "                         and 256 KB a request\n"
    "  --queue-url URL        SQS SendMessageBatch, the event as the message\n"
    "                         body; 10 messages and 256 KB a request\n"
    "  --stream NAME          Kinesis PutRecords to a stream name or ARN; 500\n"
    "                         records and 5 MB a request, 1 MB a record\n"
    "  --partition-key PTR    Kinesis: the partition key is the event's value\n"
    "                         at this JSON pointer (e.g. /detail/orderId);\n"
    "                         default a hash of the event's text\n"
    "  --lambda FUNCTION --async\n"
    "                         one asynchronous Invoke (InvocationType Event)\n"
    "                         per event (for a synchronous call: iatk invoke)\n"
    "delivery:\n"
    "  --concurrency N        requests in flight at once (1-256, default 8)\n"
    "  --rate N               at most N events per second on average\n"
    "  --max-attempts N       sends of an entry AWS failed with throttling or\n"
    "                         an internal error (default $AWS_MAX_ATTEMPTS,\n"
    "                         the profile's max_attempts, else 3)\n"
    "  --failed FILE          write each event that was not delivered, as\n"
    "                         read, to FILE (NDJSON, truncated first) as soon\n"
    "                         as it fails\n"
    "AWS:\n"
    "  --profile P            AWS profile (default $AWS_PROFILE, else default)\n"
    "  --region R             AWS region (default $AWS_REGION, the profile's)\n"
    "  --endpoint-url URL     send the requests to URL (default\n"
    "                         $AWS_ENDPOINT_URL_EVENTBRIDGE / _SQS / _KINESIS /\n"
    "                         _LAMBDA, $AWS_ENDPOINT_URL, the profile's)\n"
    "output:\n"
    "  -q, --quiet            no summary line\n"
    "  -v, --verbose          print every failure (default: the first 20)\n"
    "  -h, --help             show this help\n"
    "\n"
    "On a terminal, a progress line shows events sent, failed and per second;\n"
    "a summary follows on standard error.  SIGINT/SIGTERM stop cleanly: no new\n"
    "request starts, those in flight finish, events read and not sent go to\n"
    "--failed.  Delivery is at least once: a request that got no answer is\n"
    "sent again, and AWS may have received the first.\n"
    "\n"
    "Exit status: 0 every event delivered; 3 some events refused before\n"
    "sending (not JSON, missing members, too large; their line numbers are\n"
    "printed); 10 AWS refused some; 11 some got no answer; 128+N when\n"
    "stopped by signal N; 2 usage; 7 input or --failed file error.\n";

enum {
  OPT_EVENT_BUS = 700,
  OPT_QUEUE_URL,
  OPT_STREAM,
  OPT_LAMBDA,
  OPT_ASYNC,
  OPT_PARTITION_KEY,
  OPT_CONCURRENCY,
  OPT_RATE,
  OPT_MAX_ATTEMPTS,
  OPT_FAILED
};

static const struct option long_options[] = {
    {"event-bus", required_argument, 0, OPT_EVENT_BUS},
    {"queue-url", required_argument, 0, OPT_QUEUE_URL},
    {"stream", required_argument, 0, OPT_STREAM},
    {"lambda", required_argument, 0, OPT_LAMBDA},
    {"async", no_argument, 0, OPT_ASYNC},
    {"partition-key", required_argument, 0, OPT_PARTITION_KEY},
    {"concurrency", required_argument, 0, OPT_CONCURRENCY},
    {"rate", required_argument, 0, OPT_RATE},
    {"max-attempts", required_argument, 0, OPT_MAX_ATTEMPTS},
    {"failed", required_argument, 0, OPT_FAILED},
    {"profile", required_argument, 0, CLI_OPT_AWS_PROFILE},
    {"region", required_argument, 0, CLI_OPT_AWS_REGION},
    {"endpoint-url", required_argument, 0, CLI_OPT_AWS_ENDPOINT_URL},
    {"quiet", no_argument, 0, 'q'},
    {"verbose", no_argument, 0, 'v'},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0}};

#define SHOWN_FAILURES 20
/* A line number carries the index of its file above this bit, so a
 * failure reported later still names its file. */
#define FILE_SHIFT 40

typedef struct send_opts {
  int kind, async, quiet, verbose;
  const char *target, *partition_key, *failed_path;
  unsigned long long concurrency, max_attempts;
  double rate;
  cli_aws aws;
  char **files;
  int file_count;
} send_opts;

typedef struct send_state {
  const send_opts *o;
  int failed_fd;
  int failed_write_error;
  unsigned long long shown;
  int progress_shown;
} send_state;

static iatk_sender *volatile running_sender;
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig) {
  stop_signal = sig;
  if (running_sender)
    iatk_sender_stop(running_sender);
}

/* ------------------------------------------------------------- options */

static int set_target(send_opts *o, int kind, const char *target) {
  if (o->kind)
    return cli_usage("give one target: --event-bus, --queue-url, --stream "
                     "or --lambda");
  o->kind = kind;
  o->target = target;
  return 0;
}

static int parse_rate(send_opts *o, const char *arg) {
  char *end;
  errno = 0;
  o->rate = strtod(arg, &end);
  if (errno || end == arg || *end || !(o->rate > 0))
    return cli_usage("--rate wants a positive number of events per second, "
                     "not '%s'",
                     arg);
  return 0;
}

static int parse_one(send_opts *o, int opt, const char *arg) {
  switch (opt) {
  case OPT_EVENT_BUS: return set_target(o, IATK_SINK_EVENTBRIDGE, arg);
  case OPT_QUEUE_URL: return set_target(o, IATK_SINK_SQS, arg);
  case OPT_STREAM: return set_target(o, IATK_SINK_KINESIS, arg);
  case OPT_LAMBDA: return set_target(o, IATK_SINK_LAMBDA_ASYNC, arg);
  case OPT_ASYNC: o->async = 1; return 0;
  case OPT_PARTITION_KEY: o->partition_key = arg; return 0;
  case OPT_CONCURRENCY:
    return cli_parse_u64("--concurrency", arg, &o->concurrency) ? EXIT_USAGE
                                                                : 0;
  case OPT_MAX_ATTEMPTS:
    return cli_parse_u64("--max-attempts", arg, &o->max_attempts) ? EXIT_USAGE
                                                                  : 0;
  case OPT_RATE: return parse_rate(o, arg);
  case OPT_FAILED: o->failed_path = arg; return 0;
  case 'q': o->quiet = 1; return 0;
  case 'v': o->verbose = 1; return 0;
  default: return cli_aws_option(&o->aws, opt, arg) ? 0 : -1;
  }
}

static int check_options(const send_opts *o) {
  if (!o->kind)
    return cli_usage("no target: give --event-bus, --queue-url, --stream or "
                     "--lambda (see 'iatk send --help')");
  if (o->kind == IATK_SINK_LAMBDA_ASYNC && !o->async)
    return cli_usage("iatk send --lambda needs --async (a synchronous call "
                     "is 'iatk invoke --lambda')");
  if (o->async && o->kind != IATK_SINK_LAMBDA_ASYNC)
    return cli_usage("--async goes with --lambda");
  if (o->partition_key && o->kind != IATK_SINK_KINESIS)
    return cli_usage("--partition-key goes with --stream");
  return 0;
}

static int parse_options(int argc, char **argv, send_opts *o) {
  int opt;
  optind = 1;
  while ((opt = getopt_long(argc, argv, ":qvh", long_options, NULL)) != -1) {
    if (opt == 'h') {
      fputs(send_help, stdout);
      return -1;
    }
    if (opt == '?' || opt == ':')
      return cli_bad_option(opt, argv[optind - 1], "send");
    int rc = parse_one(o, opt, optarg);
    if (rc)
      return rc < 0 ? cli_bad_option('?', argv[optind - 1], "send") : rc;
  }
  o->files = argv + optind;
  o->file_count = argc - optind;
  return check_options(o);
}

/* ------------------------------------------------------------ failures */

/* One write per failure on an O_APPEND descriptor: once it returns, the
 * line is the kernel's, so a crash of iatk cannot lose it. */
static void record_failure(send_state *st, const char *event, size_t len) {
  if (st->failed_fd < 0 || st->failed_write_error)
    return;
  struct iovec v[2] = {{(void *)event, len}, {"\n", 1}};
  ssize_t want = (ssize_t)len + 1, n;
  while ((n = writev(st->failed_fd, v, 2)) < 0 && errno == EINTR)
    ;
  if (n != want)
    st->failed_write_error = n < 0 ? errno : EIO;
}

static const char *file_name(const send_opts *o, uint64_t line) {
  size_t i = (size_t)(line >> FILE_SHIFT);
  if (o->file_count == 0 || !strcmp(o->files[i], "-"))
    return "<stdin>";
  return o->files[i];
}

static void clear_progress(send_state *st) {
  if (st->progress_shown) {
    fputs("\r\033[K", stderr);
    st->progress_shown = 0;
  }
}

static void on_failure(const char *event, size_t len, uint64_t line, int why,
                       const char *code, const char *message, void *userdata) {
  send_state *st = userdata;
  record_failure(st, event, len);
  if (st->shown++ >= SHOWN_FAILURES && !st->o->verbose)
    return;
  clear_progress(st);
  static const char *const whys[] = {"",          "refused",  "failed",
                                     "no answer", "not sent", "not sent"};
  fprintf(stderr, "iatk: %s:%llu: %s: %s\n", file_name(st->o, line),
          (unsigned long long)(line & ((1ULL << FILE_SHIFT) - 1)), whys[why],
          message);
  if (st->shown == SHOWN_FAILURES && !st->o->verbose)
    fputs("iatk: (further failures not shown; -v shows all)\n", stderr);
}

static double per_second(const iatk_send_stats *s) {
  return s->seconds > 0 ? (double)s->sent / s->seconds : 0;
}

static void on_progress(const iatk_send_stats *s, void *userdata) {
  send_state *st = userdata;
  fprintf(stderr, "\r\033[Ksent %llu  failed %llu  %.0f events/s",
          (unsigned long long)s->sent, (unsigned long long)s->failed,
          per_second(s));
  st->progress_shown = 1;
}

static int open_failed(const send_opts *o, send_state *st) {
  st->failed_fd = -1;
  if (!o->failed_path)
    return 0;
  struct stat out, in;
  if (stat(o->failed_path, &out) == 0)
    for (int i = 0; i < o->file_count; i++)
      if (stat(o->files[i], &in) == 0 && in.st_dev == out.st_dev &&
          in.st_ino == out.st_ino)
        return cli_usage("--failed %s is also an input: write failures to "
                         "another file",
                         o->failed_path);
  st->failed_fd =
      open(o->failed_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC,
           0666);
  if (st->failed_fd < 0) {
    fprintf(stderr, "iatk: error: cannot open %s: %s\n", o->failed_path,
            strerror(errno));
    return 7;
  }
  return 0;
}

/* --------------------------------------------------------------- input */

static int is_blank(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
      return 0;
  return 1;
}

/* Lines straight from the descriptor with read(2), not stdio: when a
 * signal stops the run, every byte taken from the input is in `buf`, so
 * the lines read and not yet added can still be recorded as failed (stdio
 * would hold some back in its own buffer, lost to everyone). */
typedef struct reader {
  int fd;
  char *buf;
  size_t start, len, cap;
  int eof;
  iatk_sender *sender; /* kept moving while the input is quiet */
} reader;

/* How often a quiet input is looked at again. */
#define IDLE_SLICE_MS 20

/* While no byte comes (a slow producer upstream), the sender answers what
 * is in flight and sends the batch it is filling instead of holding the
 * events until more arrive. */
static void wait_for_input(reader *r) {
  struct pollfd input = {.fd = r->fd, .events = POLLIN};
  iatk_error err;
  while (!stop_signal && poll(&input, 1, IDLE_SLICE_MS) == 0) {
    iatk_error_clear(&err);
    if (iatk_sender_idle(r->sender, 0, &err) != IATK_OK)
      return;
  }
}

/* The next line, without its newline, in `line` and `n`: 1; after a stop,
 * the lines already read (a last one without its newline included), then
 * 0; 0 at the end of the input; -1 on a read error. */
static int next_line(reader *r, const char **line, size_t *n) {
  for (;;) {
    char *nl = r->len > r->start
                   ? memchr(r->buf + r->start, '\n', r->len - r->start)
                   : NULL;
    if (nl || ((r->eof || stop_signal) && r->len > r->start)) {
      *line = r->buf + r->start;
      *n = nl ? (size_t)(nl - *line) : r->len - r->start;
      r->start += *n + (nl != NULL);
      return 1;
    }
    if (r->eof || stop_signal)
      return 0;
    if (r->start) { /* keep the partial line at the front */
      memmove(r->buf, r->buf + r->start, r->len - r->start);
      r->len -= r->start;
      r->start = 0;
    }
    if (r->cap - r->len < 65536) {
      char *grown = realloc(r->buf, r->cap * 2 + 65536);
      if (!grown)
        return -1;
      r->buf = grown;
      r->cap = r->cap * 2 + 65536;
    }
    wait_for_input(r);
    ssize_t got = read(r->fd, r->buf + r->len, r->cap - r->len);
    if (got < 0 && errno != EINTR)
      return -1;
    if (got == 0)
      r->eof = 1;
    if (got > 0)
      r->len += (size_t)got;
  }
}

/* Feeds one descriptor's lines to the sender; 0, or an exit status.  After
 * a stop the lines already read still go in: the sender records them as
 * not sent. */
static int send_fd(iatk_sender *sender, int fd, uint64_t file_index,
                   const char *name) {
  reader r = {.fd = fd, .sender = sender};
  const char *line;
  size_t len;
  uint64_t number = 0;
  int status = 0, more;
  iatk_error err;
  iatk_error_clear(&err);
  while ((more = next_line(&r, &line, &len)) == 1) {
    number++;
    while (len && line[len - 1] == '\r')
      len--;
    if (is_blank(line, len))
      continue;
    if (iatk_sender_add(sender, line, len, file_index << FILE_SHIFT | number,
                        &err) != IATK_OK) {
      status = cli_fail(&err);
      break;
    }
  }
  if (more < 0) {
    fprintf(stderr, "iatk: error: cannot read %s: %s\n", name, strerror(errno));
    status = 7;
  }
  free(r.buf);
  return status;
}

static int send_inputs(iatk_sender *sender, const send_opts *o) {
  if (o->file_count == 0)
    return send_fd(sender, STDIN_FILENO, 0, "<stdin>");
  for (int i = 0; i < o->file_count && !stop_signal; i++) {
    int is_stdin = !strcmp(o->files[i], "-");
    int fd = is_stdin ? STDIN_FILENO : open(o->files[i], O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      fprintf(stderr, "iatk: error: cannot open %s: %s\n", o->files[i],
              strerror(errno));
      return 7;
    }
    int status = send_fd(sender, fd, (uint64_t)i, o->files[i]);
    if (!is_stdin)
      close(fd);
    if (status)
      return status;
  }
  return 0;
}

/* ----------------------------------------------------------------- run */

static iatk_sender *make_sender(const send_opts *o, iatk_aws **aws,
                                iatk_error *err) {
  *aws = iatk_aws_new(o->aws.profile, o->aws.region, o->aws.endpoint_url, err);
  iatk_sender *s = *aws ? iatk_sender_new(*aws, o->kind, o->target, err) : NULL;
  int rc = s ? IATK_OK : IATK_EINVAL;
  if (rc == IATK_OK && o->concurrency)
    rc = iatk_sender_set_concurrency(
        s, o->concurrency > 1000 ? 1000 : (int)o->concurrency, err);
  if (rc == IATK_OK && o->rate > 0)
    rc = iatk_sender_set_rate(s, o->rate, err);
  if (rc == IATK_OK && o->max_attempts)
    rc = iatk_sender_set_max_attempts(
        s, o->max_attempts > 1000 ? 1000 : (int)o->max_attempts, err);
  if (rc == IATK_OK && o->partition_key)
    rc = iatk_sender_set_partition_key(s, o->partition_key, err);
  if (rc != IATK_OK && s) {
    iatk_sender_free(s);
    s = NULL;
  }
  return s;
}

static void install_signals(int on) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on ? on_signal : SIG_DFL;
  /* No SA_RESTART: a read waiting on a pipe returns, and the loop ends.
   * SA_RESETHAND: a second signal is not caught, for the impatient. */
  sa.sa_flags = on ? SA_RESETHAND : 0;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
}

static void summary(const send_opts *o, const iatk_sender *s) {
  iatk_send_stats st;
  iatk_sender_stats(s, &st);
  if (o->quiet)
    return;
  fprintf(stderr,
          "iatk: sent %llu, failed %llu, retried %llu in %.2f s "
          "(%.0f events/s)\n",
          (unsigned long long)st.sent, (unsigned long long)st.failed,
          (unsigned long long)st.retried, st.seconds, per_second(&st));
}

static int deliver(const send_opts *o, iatk_sender *s, send_state *st) {
  iatk_sender_on_failure(s, on_failure, st);
  if (isatty(STDERR_FILENO) && !o->quiet)
    iatk_sender_on_progress(s, on_progress, st, 0.25);
  running_sender = s;
  install_signals(1);
  int status = send_inputs(s, o);
  iatk_error err;
  iatk_error_clear(&err);
  int rc = iatk_sender_finish(s, &err);
  install_signals(0);
  running_sender = NULL;
  clear_progress(st);
  summary(o, s);
  if (st->failed_write_error) {
    fprintf(stderr, "iatk: error: cannot write %s: %s\n", o->failed_path,
            strerror(st->failed_write_error));
    return 7;
  }
  if (stop_signal)
    return 128 + stop_signal;
  if (status)
    return status;
  return rc == IATK_OK ? 0 : cli_fail(&err);
}

int cmd_send(int argc, char **argv) {
  send_opts o = {0};
  int rc = parse_options(argc, argv, &o);
  if (rc)
    return rc < 0 ? 0 : rc;
  send_state st = {&o, -1, 0, 0, 0};
  if ((rc = open_failed(&o, &st)) != 0)
    return rc;
  iatk_error err;
  iatk_error_clear(&err);
  iatk_aws *aws = NULL;
  iatk_sender *s = make_sender(&o, &aws, &err);
  if (!s)
    rc = cli_fail(&err);
  else
    rc = deliver(&o, s, &st);
  iatk_sender_free(s);
  iatk_aws_free(aws);
  if (st.failed_fd >= 0 && close(st.failed_fd) != 0 && rc == 0) {
    fprintf(stderr, "iatk: error: cannot write %s: %s\n", o.failed_path,
            strerror(errno));
    rc = 7;
  }
  return rc;
}
