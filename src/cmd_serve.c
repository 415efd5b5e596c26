/* iatk registry serve: the EventBridge Schemas REST API over a local
 * registry tree, until SIGINT or SIGTERM. */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char serve_help[] =
    "usage: iatk registry serve [options]\n"
    "\n"
    "Serve a local registry tree over the Amazon EventBridge Schemas REST\n"
    "API, so the AWS CLI, the SDKs and iatk's AWS source use it as they use\n"
    "AWS, e.g.\n"
    "  aws schemas list-schemas --registry-name R \\\n"
    "      --endpoint-url http://127.0.0.1:4010\n"
    "\n"
    "options:\n"
    "  --registry-dir DIR       the tree (default $IATK_REGISTRY_DIR)\n"
    "  --listen HOST:PORT       where to listen (default 127.0.0.1:4010);\n"
    "                           port 0 picks a free port; HOST is an IPv4\n"
    "                           address, [IPv6 address] or localhost.  Only\n"
    "                           an explicit --listen exposes the tree beyond\n"
    "                           this machine\n"
    "  --region REGION          the region in ARNs (default us-east-1)\n"
    "  --account ID             the account in ARNs (default 123456789012)\n"
    "request signing:\n"
    "  --verify-sigv4           refuse every request that lacks a valid AWS\n"
    "                           Signature Version 4 by a known key, dated\n"
    "                           within 5 minutes, as AWS does (403); the keys\n"
    "                           come from --credentials and --access-key-id,\n"
    "                           else $AWS_ACCESS_KEY_ID/$AWS_SECRET_ACCESS_KEY\n"
    "  --credentials FILE       accept every key of FILE, an AWS shared\n"
    "                           credentials file (may be repeated)\n"
    "  --access-key-id ID       accept key ID; its secret is read from\n"
    "                           $AWS_SECRET_ACCESS_KEY unless given below\n"
    "  --secret-access-key KEY  the secret of --access-key-id (other users\n"
    "                           may see command lines: prefer the environment\n"
    "                           or --credentials)\n"
    "  -v, --verbose            log each request on stderr: method, target,\n"
    "                           status, AWS error code, milliseconds\n"
    "  -h, --help               show this help\n"
    "\n"
    "Once listening it prints 'iatk: serving DIR on http://HOST:PORT' on\n"
    "stderr.  SIGINT or SIGTERM stops it: requests in progress are answered\n"
    "first, then it exits 0.  Details: docs/registry-serve.md.\n";

#define DEFAULT_LISTEN "127.0.0.1:4010"

typedef struct serve_opts {
  const char *dir, *listen, *region, *account, *key_id;
  char *secret; /* a copy: the command line's is wiped */
  const char **credentials;
  size_t credential_count;
  int verify, verbose;
} serve_opts;

enum {
  OPT_DIR = 256,
  OPT_LISTEN,
  OPT_REGION,
  OPT_ACCOUNT,
  OPT_VERIFY,
  OPT_CREDENTIALS,
  OPT_KEY_ID,
  OPT_SECRET
};

static const struct option long_options[] = {
    {"registry-dir", required_argument, 0, OPT_DIR},
    {"listen", required_argument, 0, OPT_LISTEN},
    {"region", required_argument, 0, OPT_REGION},
    {"account", required_argument, 0, OPT_ACCOUNT},
    {"verify-sigv4", no_argument, 0, OPT_VERIFY},
    {"credentials", required_argument, 0, OPT_CREDENTIALS},
    {"access-key-id", required_argument, 0, OPT_KEY_ID},
    {"secret-access-key", required_argument, 0, OPT_SECRET},
    {"verbose", no_argument, 0, 'v'},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0}};

/* Keeps a copy of the secret and blanks it in the command line, which
 * other users can read in /proc for as long as the server runs. */
static int take_secret(serve_opts *o, char *arg) {
  free(o->secret);
  o->secret = strdup(arg);
  memset(arg, 'x', strlen(arg));
  return o->secret ? 0 : cli_usage("out of memory");
}

/* Returns 0 to go on, or an exit status (-1 meaning "exit 0"). */
static int parse_option(serve_opts *o, int opt, char *arg) {
  switch (opt) {
  case OPT_DIR: o->dir = arg; return 0;
  case OPT_LISTEN: o->listen = arg; return 0;
  case OPT_REGION: o->region = arg; return 0;
  case OPT_ACCOUNT: o->account = arg; return 0;
  case OPT_VERIFY: o->verify = 1; return 0;
  case OPT_CREDENTIALS: o->credentials[o->credential_count++] = arg; return 0;
  case OPT_KEY_ID: o->key_id = arg; return 0;
  case OPT_SECRET: return take_secret(o, arg);
  case 'v': o->verbose = 1; return 0;
  case 'h': fputs(serve_help, stdout); return -1;
  default: return cli_usage("run 'iatk registry serve --help' for the options");
  }
}

static int check_options(const serve_opts *o) {
  if ((o->credential_count || o->key_id || o->secret) && !o->verify)
    return cli_usage("--credentials, --access-key-id and --secret-access-key "
                     "go with --verify-sigv4");
  if (o->secret && !o->key_id)
    return cli_usage("--secret-access-key needs --access-key-id");
  return 0;
}

static int parse_args(serve_opts *o, int argc, char **argv) {
  int opt, rc;
  o->listen = DEFAULT_LISTEN;
  opterr = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, ":vh", long_options, NULL)) != -1) {
    if (opt == '?' || opt == ':')
      return cli_bad_option(opt, argv[optind - 1], "registry serve");
    if ((rc = parse_option(o, opt, optarg)) != 0)
      return rc;
  }
  if (optind < argc)
    return cli_usage("unexpected argument '%s' (run 'iatk registry serve "
                     "--help')",
                     argv[optind]);
  return check_options(o);
}

/* ------------------------------------------------------------ keys */

/* --access-key-id, or with no key option the environment's key. */
static int add_single_key(iatk_server *srv, const serve_opts *o,
                          iatk_error *err) {
  const char *id = o->key_id ? o->key_id : getenv("AWS_ACCESS_KEY_ID");
  const char *secret = o->secret ? o->secret : getenv("AWS_SECRET_ACCESS_KEY");
  if (o->key_id && (!secret || !*secret))
    return cli_usage("--access-key-id %s needs $AWS_SECRET_ACCESS_KEY or "
                     "--secret-access-key",
                     o->key_id);
  if (!id || !*id || !secret || !*secret)
    return cli_usage("--verify-sigv4 needs keys: --credentials FILE, "
                     "--access-key-id ID, or $AWS_ACCESS_KEY_ID and "
                     "$AWS_SECRET_ACCESS_KEY");
  return iatk_server_add_key(srv, id, secret, err) ? cli_fail(err) : 0;
}

static int add_keys(iatk_server *srv, const serve_opts *o, iatk_error *err) {
  if (!o->verify)
    return 0;
  for (size_t i = 0; i < o->credential_count; i++)
    if (iatk_server_add_credentials_file(srv, o->credentials[i], err))
      return cli_fail(err);
  if (o->credential_count && !o->key_id)
    return 0;
  return add_single_key(srv, o, err);
}

/* ------------------------------------------------------------ running */

static void log_request(const char *method, const char *target, int status,
                        const char *error_code, double elapsed_ms,
                        void *userdata) {
  (void)userdata;
  fprintf(stderr, "iatk: %s %s %d%s%s %.1f ms\n", method, target, status,
          error_code ? " " : "", error_code ? error_code : "", elapsed_ms);
}

static int configure(iatk_server *srv, const serve_opts *o, iatk_error *err) {
  if (iatk_server_set_arn(srv, o->region, o->account, err))
    return cli_fail(err);
  if (o->verbose && iatk_server_set_log(srv, log_request, NULL, err))
    return cli_fail(err);
  return add_keys(srv, o, err);
}

/* Whether the server can only be reached from this machine. */
static int loopback(const char *url) {
  return strncmp(url, "http://127.", 11) == 0 ||
         strncmp(url, "http://[::1]:", 13) == 0;
}

/* Listens, then waits for SIGINT or SIGTERM.  The signals are blocked
 * before the server starts its threads, so they all inherit the mask and
 * the signal can only be taken here, by sigwait: no handler runs in the
 * middle of a request. */
static int serve(iatk_server *srv, const serve_opts *o, const char *root,
                 iatk_error *err) {
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, NULL);
  signal(SIGPIPE, SIG_IGN);
  if (iatk_server_listen(srv, o->listen, err))
    return cli_fail(err);
  fprintf(stderr, "iatk: serving %s on %s\n", root, iatk_server_url(srv));
  if (!loopback(iatk_server_url(srv)) && !o->verify)
    fprintf(stderr,
            "iatk: warning: without --verify-sigv4, anyone who can "
            "reach %s can add schemas to the tree\n",
            iatk_server_url(srv));
  int sig;
  while (sigwait(&stop, &sig) != 0)
    ;
  cli_verbose(o->verbose, "stopping on signal %d", sig);
  return 0;
}

int cmd_serve(int argc, char **argv) {
  serve_opts o = {0};
  o.credentials = calloc((size_t)argc + 1, sizeof *o.credentials);
  int rc =
      o.credentials ? parse_args(&o, argc, argv) : cli_usage("out of memory");
  if (rc) {
    free(o.secret);
    free(o.credentials);
    return rc < 0 ? 0 : rc;
  }
  iatk_error err;
  iatk_error_clear(&err);
  iatk_registry *reg = iatk_registry_open(o.dir, &err);
  iatk_server *srv = reg ? iatk_server_new(reg, &err) : NULL;
  if (!srv)
    rc = cli_fail(&err);
  if (!rc)
    rc = configure(srv, &o, &err);
  if (!rc)
    rc = serve(srv, &o, iatk_registry_root(reg), &err);
  iatk_server_free(srv); /* answers what is in flight first */
  iatk_registry_free(reg);
  free(o.secret);
  free(o.credentials);
  return rc;
}
