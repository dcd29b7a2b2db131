#include "services/listings/domain.h"

#include <gtest/gtest.h>

namespace nml::listings {
namespace {

CanonicalHost Canonical(const std::string& input) {
  auto result = CanonicalizeHost(input);
  EXPECT_TRUE(result.ok()) << input << ": " << result.status();
  return result.ok() ? *result : CanonicalHost{};
}

TEST(CanonicalizeHost, StripsSchemeUserinfoPortPathAndCase) {
  EXPECT_EQ(Canonical("https://WWW.AliExpress.com:443/item/1.html").host,
            "www.aliexpress.com");
  EXPECT_EQ(Canonical("http://user:secret@shop.example.com:8080/x?y#z").host,
            "shop.example.com");
  EXPECT_EQ(Canonical("pan.baidu.com/s/x").host, "pan.baidu.com");
  EXPECT_EQ(Canonical("//cdn.example.org/a").host, "cdn.example.org");
  EXPECT_EQ(Canonical("  Example.COM  ").host, "example.com");
}

TEST(CanonicalizeHost, RemovesTrailingDotsAndDecodesPercentEncoding) {
  EXPECT_EQ(Canonical("https://www.taobao.com./").host, "www.taobao.com");
  EXPECT_EQ(Canonical("http://www.%74aobao.com/").host, "www.taobao.com");
}

TEST(CanonicalizeHost, ConvertsInternationalisedNamesToPunycode) {
  EXPECT_EQ(Canonical("https://bücher.de/").host, "xn--bcher-kva.de");
  EXPECT_EQ(Canonical("http://例子.中国").host, "xn--fsqu00a.xn--fiqs8s");
  EXPECT_EQ(Canonical("http://xn--bcher-kva.de").host, "xn--bcher-kva.de");
}

TEST(CanonicalizeHost, FindsTheRegistrableDomainWithThePublicSuffixList) {
  EXPECT_EQ(Canonical("www.amazon.co.uk").registrable_domain, "amazon.co.uk");
  EXPECT_EQ(Canonical("pan.baidu.com").registrable_domain, "baidu.com");
  EXPECT_EQ(Canonical("a.b.example.com.cn").registrable_domain,
            "example.com.cn");
  EXPECT_EQ(Canonical("co.uk").registrable_domain, "");
}

TEST(CanonicalizeHost, KeepsIpAddressesApart) {
  EXPECT_TRUE(Canonical("http://127.0.0.1:8080/").is_ip);
  EXPECT_EQ(Canonical("http://[2001:DB8::1]:443/").host, "2001:db8::1");
}

TEST(CanonicalizeHost, RejectsGarbageWithAReason) {
  for (const std::string& bad : std::vector<std::string>{
           "", "   ", "http://", "ht!tp://x.com", "http://exa mple.com",
           "http://-bad-.com", "http://a..b.com", "http://x.com:99999999/",
           "http://%zz.com", std::string(3000, 'a'), "http://[::1"}) {
    auto result = CanonicalizeHost(bad);
    EXPECT_FALSE(result.ok()) << "'" << bad << "' was accepted";
    if (!result.ok()) {
      EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_FALSE(result.status().message().empty());
    }
  }
}

TEST(ValidateDomainPattern, AcceptsOnlyCanonicalHosts) {
  EXPECT_TRUE(ValidateDomainPattern("aliexpress.com").ok());
  EXPECT_FALSE(ValidateDomainPattern("AliExpress.com").ok());
  EXPECT_FALSE(ValidateDomainPattern("https://aliexpress.com").ok());
  EXPECT_FALSE(ValidateDomainPattern("aliexpress.com.").ok());
}

}  // namespace
}  // namespace nml::listings
