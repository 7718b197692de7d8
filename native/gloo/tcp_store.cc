// See tcp_store.h.
#include "tcp_store.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <map>
#include <stdexcept>
#include <thread>

namespace ntdist {

namespace {

// Whole-buffer I/O on a blocking socket; false on EOF or error.
bool writeAll(int fd, const void* p, size_t n) {
  const char* c = static_cast<const char*>(p);
  while (n > 0) {
    ssize_t w = ::send(fd, c, n, MSG_NOSIGNAL);
    if (w <= 0) {
      if (w < 0 && errno == EINTR) continue;
      return false;
    }
    c += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

bool readAll(int fd, void* p, size_t n) {
  char* c = static_cast<char*>(p);
  while (n > 0) {
    ssize_t r = ::recv(fd, c, n, 0);
    if (r <= 0) {
      if (r < 0 && errno == EINTR) continue;
      return false;
    }
    c += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

bool writeBlob(int fd, const char* p, uint32_t n) { return writeAll(fd, &n, 4) && writeAll(fd, p, n); }

bool readBlob(int fd, std::vector<char>& out) {
  uint32_t n = 0;
  if (!readAll(fd, &n, 4)) return false;
  if (n > (64u << 20)) return false;  // no legitimate rendezvous value is this large
  out.resize(n);
  return n == 0 || readAll(fd, out.data(), n);
}

}  // namespace

// Op codes of the wire format. After kWatch the server only writes: the departed ranks (u32 each), first
// the ones that left already, then each as it leaves.
constexpr char kHello = 'H', kSet = 'S', kGet = 'G', kWatch = 'W';

class StoreServer {
 public:
  StoreServer(int fd, int worldSize) : listenFd_(fd), worldSize_(worldSize) {
    std::thread([this] { acceptLoop(); }).detach();
  }

 private:
  void acceptLoop() {
    for (;;) {
      int c = ::accept(listenFd_, nullptr, nullptr);
      if (c < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        return;
      }
      int one = 1;
      setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      std::thread([this, c] { serve(c); }).detach();
    }
  }

  // One client's requests, in order, until it disconnects.
  void serve(int fd) {
    int rank = -1;
    std::vector<char> key, val;
    for (;;) {
      char op = 0;
      if (!readAll(fd, &op, 1) || !readBlob(fd, key)) break;
      std::string k(key.begin(), key.end());
      if (op == kHello) {
        rank = std::atoi(k.c_str());
        if (rank < 0 || rank >= worldSize_) rank = -1;
        if (!writeBlob(fd, nullptr, 0)) break;
      } else if (op == kWatch) {
        watch(fd, std::atoi(k.c_str()));
        return;
      } else if (op == kSet) {
        if (!readBlob(fd, val)) break;
        {
          std::lock_guard<std::mutex> l(mu_);
          data_[k] = val;
        }
        cv_.notify_all();
        if (!writeBlob(fd, nullptr, 0)) break;
      } else if (op == kGet) {
        uint32_t ms = 0;
        if (!readAll(fd, &ms, 4)) break;
        std::unique_lock<std::mutex> l(mu_);
        bool ok = cv_.wait_for(l, std::chrono::milliseconds(ms), [&] { return data_.count(k) > 0; });
        std::vector<char> reply;
        if (ok) {
          reply.push_back(1);
          reply.insert(reply.end(), data_[k].begin(), data_[k].end());
        } else {
          reply.push_back(0);
        }
        l.unlock();
        if (!writeBlob(fd, reply.data(), static_cast<uint32_t>(reply.size()))) break;
      } else {
        break;
      }
    }
    ::close(fd);
    if (rank >= 0) depart(static_cast<uint32_t>(rank));
  }

  // A watch connection: the departures so far, then each new one (depart()), until the client closes.
  void watch(int fd, int rank) {
    {
      std::lock_guard<std::mutex> l(mu_);
      for (uint32_t r : departed_) writeAll(fd, &r, 4);
      watchers_[fd] = rank;
    }
    char ignored;
    for (;;) {
      const ssize_t n = ::recv(fd, &ignored, 1, 0);
      if (n == 0 || (n < 0 && errno != EINTR)) break;
    }
    std::lock_guard<std::mutex> l(mu_);
    watchers_.erase(fd);
    ::close(fd);
  }

  // Records that `rank` left and tells every watcher, rank 0's own last: rank 0 may exit as soon as it
  // learns (its failed collective is then reported), and taking this server with it must not keep the
  // news from the others. A write to a loopback or remote socket is queued before it returns.
  void depart(uint32_t rank) {
    std::lock_guard<std::mutex> l(mu_);
    departed_.push_back(rank);
    for (int pass = 0; pass < 2; pass++) {
      for (const auto& [fd, watcher] : watchers_) {
        if ((watcher == 0) == (pass == 1)) writeAll(fd, &rank, 4);
      }
    }
  }

  int listenFd_;
  int worldSize_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::vector<char>> data_;
  std::vector<uint32_t> departed_;
  std::map<int, int> watchers_;  // watch connection -> its rank
};

StoreServer* startStoreServer(int port, int worldSize) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("cannot create a socket: ") + std::strerror(errno));
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  a.sin_port = htons(static_cast<uint16_t>(port));
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 1024) != 0) {
    int e = errno;
    ::close(fd);
    throw std::runtime_error("cannot serve the rendezvous store on port " + std::to_string(port) + ": " +
                             std::strerror(e));
  }
  // Deliberately leaked: the server lives as long as the process (other ranks may still be reading).
  return new StoreServer(fd, worldSize);
}

namespace {

// A connection to host:port, retrying until timeout (the server may start later than this rank).
int connectWithin(const std::string& host, int port, const std::string& endpoint, std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string lastError = "no attempt";
  for (;;) {
    addrinfo* res = nullptr;
    int g = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res);
    if (g != 0) throw std::runtime_error("cannot resolve the rendezvous host '" + host + "': " + gai_strerror(g));
    int fd = ::socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, res->ai_protocol);
    if (fd >= 0 && ::connect(fd, res->ai_addr, res->ai_addrlen) == 0) {
      ::freeaddrinfo(res);
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      return fd;
    }
    lastError = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    ::freeaddrinfo(res);
    if (std::chrono::steady_clock::now() >= deadline) {
      throw std::runtime_error("could not reach the rendezvous store at " + endpoint + " within " +
                               std::to_string(timeout.count()) + " ms (" + lastError +
                               "); is rank 0 running with the same MASTER_ADDR/MASTER_PORT?");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace

struct TcpStoreClient::Watch {
  std::mutex mu;
  std::condition_variable changed;
  std::vector<int> departed;
};

TcpStoreClient::TcpStoreClient(const std::string& host, int port, int rank, std::chrono::milliseconds timeout)
    : endpoint_(host + ":" + std::to_string(port)), timeout_(timeout), watch_(std::make_shared<Watch>()) {
  fd_ = connectWithin(host, port, endpoint_, timeout);
  request(kHello, std::to_string(rank), {});
  // The watch connection: its thread records each departure the server reports, and rank 0 when the
  // server itself goes (its host exited). It ends with the connection; it never touches `this`.
  const int wfd = connectWithin(host, port, endpoint_, timeout);
  const std::string r = std::to_string(rank);
  if (!writeAll(wfd, &kWatch, 1) || !writeBlob(wfd, r.data(), static_cast<uint32_t>(r.size()))) {
    ::close(wfd);
    throw std::runtime_error("lost the rendezvous store at " + endpoint_ + ": rank 0 (its host) has exited");
  }
  std::thread([w = watch_, wfd] {
    uint32_t gone;
    bool open;
    do {
      open = readAll(wfd, &gone, 4);
      std::lock_guard<std::mutex> l(w->mu);
      const int who = open ? static_cast<int>(gone) : 0;
      if (std::find(w->departed.begin(), w->departed.end(), who) == w->departed.end()) w->departed.push_back(who);
      w->changed.notify_all();
    } while (open);
    ::close(wfd);
  }).detach();
}

TcpStoreClient::~TcpStoreClient() {
  if (fd_ >= 0) ::close(fd_);
}

std::vector<char> TcpStoreClient::request(char op, const std::string& key, const std::vector<char>& payload) {
  std::lock_guard<std::mutex> l(mu_);
  bool ok = writeAll(fd_, &op, 1) && writeBlob(fd_, key.data(), static_cast<uint32_t>(key.size()));
  if (ok && op == kSet) ok = writeBlob(fd_, payload.data(), static_cast<uint32_t>(payload.size()));
  if (ok && op == kGet) ok = writeAll(fd_, payload.data(), 4);
  std::vector<char> reply;
  if (!ok || !readBlob(fd_, reply)) {
    throw std::runtime_error("lost the rendezvous store at " + endpoint_ + ": rank 0 (its host) has exited");
  }
  return reply;
}

void TcpStoreClient::set(const std::string& key, const std::vector<char>& data) { request(kSet, key, data); }

std::vector<char> TcpStoreClient::get(const std::string& key) {
  uint32_t ms = static_cast<uint32_t>(timeout_.count());
  std::vector<char> p(4);
  std::memcpy(p.data(), &ms, 4);
  std::vector<char> r = request(kGet, key, p);
  if (r.empty() || r[0] != 1) {
    // Gloo's full-mesh rendezvous publishes each rank's addresses under "<prefix>/<rank>".
    std::string tail = key.substr(key.rfind('/') + 1);
    bool isRank = !tail.empty() && tail.find_first_not_of("0123456789") == std::string::npos;
    throw std::runtime_error("rendezvous timed out after " + std::to_string(timeout_.count()) + " ms: " +
                             (isRank ? "rank " + tail + " never joined" : "key '" + key + "' never appeared"));
  }
  return std::vector<char>(r.begin() + 1, r.end());
}

void TcpStoreClient::wait(const std::vector<std::string>& keys) { wait(keys, timeout_); }

void TcpStoreClient::wait(const std::vector<std::string>& keys, const std::chrono::milliseconds&) {
  for (const auto& k : keys) get(k);
}

std::vector<int> TcpStoreClient::departed(std::chrono::milliseconds patience) {
  std::unique_lock<std::mutex> l(watch_->mu);
  watch_->changed.wait_for(l, patience, [&] { return !watch_->departed.empty(); });
  return watch_->departed;
}

}  // namespace ntdist
