/* "HOST:PORT" and the listening socket.
 *
 * The socket is made here rather than by libmicrohttpd so that a failure
 * says why (address in use, not an address of this machine, no
 * permission) and so that port 0 can report the port the kernel chose.
 * Only numeric addresses are taken (plus "localhost"): a name that
 * resolves differently tomorrow should not decide what is exposed. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server/server_internal.h"

#define BACKLOG 128

typedef struct endpoint {
  struct sockaddr_storage addr;
  socklen_t len;
} endpoint;

/* Splits "HOST:PORT" / "[V6]:PORT" into host text and port number. */
static int split(const char *address, char host[64], int *port,
                 iatk_error *err) {
  const char *colon = strrchr(address, ':');
  const char *h = address, *h_end = colon;
  if (address[0] == '[') {
    h_end = strchr(address, ']');
    h = address + 1;
    if (!h_end || h_end[1] != ':')
      colon = NULL;
  }
  char *end = NULL;
  long p = colon && colon[1] >= '0' && colon[1] <= '9'
               ? strtol(colon + 1, &end, 10)
               : -1;
  if (!colon || p < 0 || p > 65535 || *end || (size_t)(h_end - h) >= 64)
    return iatk__fail(err, IATK_EINVAL,
                      "invalid listen address '%s': expected HOST:PORT (an "
                      "IPv4 address, [IPv6 address] or localhost, and a port "
                      "from 0 to 65535)",
                      address);
  memcpy(host, h, (size_t)(h_end - h));
  host[h_end - h] = '\0';
  *port = (int)p;
  return IATK_OK;
}

static int resolve(const char *address, endpoint *ep, iatk_error *err) {
  char host[64];
  int port = 0;
  int rc = split(address, host, &port, err);
  if (rc != IATK_OK)
    return rc;
  memset(ep, 0, sizeof *ep);
  struct sockaddr_in *v4 = (struct sockaddr_in *)&ep->addr;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ep->addr;
  if (!host[0] || strcmp(host, "localhost") == 0)
    strcpy(host, "127.0.0.1");
  if (address[0] != '[' && inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)port);
    ep->len = sizeof *v4;
  } else if (address[0] == '[' &&
             inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)port);
    ep->len = sizeof *v6;
  } else {
    return iatk__fail(err, IATK_EINVAL,
                      "invalid listen address '%s': the host must be an IPv4 "
                      "address, [IPv6 address] or localhost",
                      address);
  }
  return IATK_OK;
}

/* The URL clients use, and the port, from the address actually bound. */
static void describe(int fd, int *port, char url[80]) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  char host[INET6_ADDRSTRLEN] = "?";
  getsockname(fd, (struct sockaddr *)&ss, &len);
  if (ss.ss_family == AF_INET6) {
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
    inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof host);
    *port = ntohs(v6->sin6_port);
    snprintf(url, 80, "http://[%s]:%d", host, *port);
  } else {
    struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
    inet_ntop(AF_INET, &v4->sin_addr, host, sizeof host);
    *port = ntohs(v4->sin_port);
    snprintf(url, 80, "http://%s:%d", host, *port);
  }
}

int iatk__srv_listen_socket(const char *address, int *fd, int *port,
                            char url[80], iatk_error *err) {
  endpoint ep;
  int rc = resolve(address, &ep, err);
  if (rc != IATK_OK)
    return rc;
  int s =
      socket(ep.addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  int on = 1;
  /* SO_REUSEADDR: a restarted server must not wait out TIME_WAIT. */
  if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
      bind(s, (struct sockaddr *)&ep.addr, ep.len) != 0 ||
      listen(s, BACKLOG) != 0) {
    int e = errno;
    if (s >= 0)
      close(s);
    return iatk__fail(err, IATK_EIO, "cannot listen on %s: %s", address,
                      strerror(e));
  }
  *fd = s;
  describe(s, port, url);
  return IATK_OK;
}
