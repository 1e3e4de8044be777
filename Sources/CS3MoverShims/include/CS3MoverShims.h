#pragma once
// Typed entry points for C APIs that Swift cannot call directly.
// Every symbol is prefixed `s3m_` so it can never collide with the wrapped libraries.
#include "../../CCurl/shim.h"
// Swift's Glibc module leaves out epoll and eventfd, which the curl engine's event loop needs.
#include <sys/epoll.h>
#include <sys/eventfd.h>

/// Callback shape of CURLOPT_WRITEFUNCTION / CURLOPT_HEADERFUNCTION.
typedef size_t (*s3m_curl_data_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);

/// curl_easy_setopt is variadic; this forwards a `long` argument.
CURLcode s3m_curl_easy_setopt_long(CURL *handle, CURLoption option, long value);
/// curl_easy_setopt is variadic; this forwards a C string (libcurl copies it, except POSTFIELDS).
CURLcode s3m_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value);
/// curl_easy_setopt is variadic; this forwards an opaque pointer (WRITEDATA, HTTPHEADER, POSTFIELDS...).
CURLcode s3m_curl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value);
/// curl_easy_setopt is variadic; this forwards a curl_off_t (the *_LARGE options).
CURLcode s3m_curl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
/// curl_easy_setopt is variadic; this forwards a data callback function pointer.
CURLcode s3m_curl_easy_setopt_data_callback(CURL *handle, CURLoption option, s3m_curl_data_callback value);
/// curl_easy_getinfo is variadic; this reads a `long` info value.
CURLcode s3m_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
/// curl_easy_getinfo is variadic; this reads a `double` info value.
CURLcode s3m_curl_easy_getinfo_double(CURL *handle, CURLINFO info, double *value);
/// curl_multi_setopt is variadic; this forwards a `long` argument.
CURLMcode s3m_curl_multi_setopt_long(CURLM *handle, CURLMoption option, long value);
/// Callback shape of CURLMOPT_SOCKETFUNCTION.
typedef int (*s3m_curl_socket_callback)(CURL *easy, curl_socket_t socket, int what, void *userp, void *socketp);
/// Callback shape of CURLMOPT_TIMERFUNCTION.
typedef int (*s3m_curl_timer_callback)(CURLM *multi, long timeout_ms, void *userp);
/// curl_multi_setopt is variadic; this forwards an opaque pointer (SOCKETDATA, TIMERDATA).
CURLMcode s3m_curl_multi_setopt_pointer(CURLM *handle, CURLMoption option, void *value);
/// curl_multi_setopt is variadic; this forwards the socket callback (CURLMOPT_SOCKETFUNCTION).
CURLMcode s3m_curl_multi_setopt_socket_callback(CURLM *handle, s3m_curl_socket_callback value);
/// curl_multi_setopt is variadic; this forwards the timer callback (CURLMOPT_TIMERFUNCTION).
CURLMcode s3m_curl_multi_setopt_timer_callback(CURLM *handle, s3m_curl_timer_callback value);
/// mallopt lives in <malloc.h>, which Swift's Glibc module does not export; caps glibc's malloc arenas.
int s3m_limit_malloc_arenas(int arenas);
