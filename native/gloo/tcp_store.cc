// See tcp_store.h.
#include "tcp_store.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

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

// Op codes of the wire format.
constexpr char kHello = 'H', kSet = 'S', kGet = 'G', kStates = 'D';

class StoreServer {
 public:
  StoreServer(int fd, int worldSize) : listenFd_(fd), states_(worldSize, 0) {
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
        std::lock_guard<std::mutex> l(mu_);
        if (rank >= 0 && rank < static_cast<int>(states_.size())) states_[rank] = 1;
        if (!writeBlob(fd, nullptr, 0)) break;
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
      } else if (op == kStates) {
        // The state of each rank, then the ranks that left, first to leave first (u32 each).
        std::vector<char> reply;
        {
          std::lock_guard<std::mutex> l(mu_);
          reply.assign(states_.begin(), states_.end());
          for (uint32_t r : departed_) reply.insert(reply.end(), reinterpret_cast<char*>(&r), reinterpret_cast<char*>(&r) + 4);
        }
        if (!writeBlob(fd, reply.data(), static_cast<uint32_t>(reply.size()))) break;
      } else {
        break;
      }
    }
    ::close(fd);
    if (rank >= 0) {
      std::lock_guard<std::mutex> l(mu_);
      if (rank < static_cast<int>(states_.size())) {
        states_[rank] = 2;
        departed_.push_back(static_cast<uint32_t>(rank));
      }
    }
  }

  int listenFd_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::vector<char>> data_;
  std::vector<uint8_t> states_;
  std::vector<uint32_t> departed_;
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

TcpStoreClient::TcpStoreClient(const std::string& host, int port, int rank, std::chrono::milliseconds timeout)
    : endpoint_(host + ":" + std::to_string(port)), timeout_(timeout) {
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
      fd_ = fd;
      break;
    }
    lastError = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    ::freeaddrinfo(res);
    if (std::chrono::steady_clock::now() >= deadline) {
      throw std::runtime_error("could not reach the rendezvous store at " + endpoint_ + " within " +
                               std::to_string(timeout.count()) + " ms (" + lastError +
                               "); is rank 0 running with the same MASTER_ADDR/MASTER_PORT?");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  request(kHello, std::to_string(rank), {});
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

std::vector<uint8_t> TcpStoreClient::rankStates(int worldSize, std::vector<int>* departed) {
  try {
    std::vector<char> r = request(kStates, "", {});
    if (r.size() < static_cast<size_t>(worldSize)) return {};
    if (departed != nullptr) {
      departed->clear();
      for (size_t at = worldSize; at + 4 <= r.size(); at += 4) {
        uint32_t v;
        std::memcpy(&v, r.data() + at, 4);
        departed->push_back(static_cast<int>(v));
      }
    }
    return std::vector<uint8_t>(r.begin(), r.begin() + worldSize);
  } catch (const std::exception&) {
    return {};
  }
}

}  // namespace ntdist
