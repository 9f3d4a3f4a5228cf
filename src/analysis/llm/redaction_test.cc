// Redaction: every secret format it covers, raw and in the forms values take on their way to a
// model (cut to length, JSON-escaped). The secrets are synthetic. Each test checks that the
// secret is gone and a placeholder is there, so it fails if the redaction is removed.
#include "analysis/llm/redaction.h"

#include <gtest/gtest.h>

#include <string>

namespace quell::analysis::llm {
namespace {

// `secret` does not survive Redact(`text`), and `placeholder` shows where it was.
void ExpectRedacted(const std::string& text, const std::string& secret,
                    const std::string& placeholder) {
  ASSERT_NE(text.find(secret), std::string::npos) << "the test input must hold the secret";
  const std::string out = Redact(text);
  EXPECT_EQ(out.find(secret), std::string::npos) << out;
  EXPECT_NE(out.find(placeholder), std::string::npos) << out;
}

// A synthetic PEM block: header, 20 lines of base64-looking body, footer.
std::string PemBlock(const std::string& kind, const std::string& body_line) {
  std::string pem = "-----BEGIN " + kind + "-----\n";
  for (int i = 0; i < 20; ++i) pem += body_line + "\n";
  return pem + "-----END " + kind + "-----";
}

const char* kPemBody = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7synthetic0";

TEST(Redaction, PasswordsAndPersonalData) {
  EXPECT_EQ(Redact("login failed password=hunter2 for alice@example.org"),
            "login failed password=<redacted> for <email>");
  EXPECT_EQ(Redact(R"({"api_key": "sk-123456"})"), R"({"api_key": "<redacted>"})");
  EXPECT_EQ(Redact(R"(db_password: "two words")"), R"(db_password: "<redacted>")");
  EXPECT_EQ(Redact("from 10.1.2.3", /*redact_ips=*/true), "from <ip>");
  EXPECT_EQ(Redact("from 10.1.2.3"), "from 10.1.2.3");
}

TEST(Redaction, JsonEscapedQuotesDoNotHideTheValue) {
  // A log line that carries JSON, as it looks after one and two rounds of escaping.
  ExpectRedacted(R"({"msg":"login with password=\"Hunter2Synthetic\" failed"})", "Hunter2Synthetic",
                 "<redacted>");
  ExpectRedacted(R"({"line":"{\\\"token\\\": \\\"tok-synthetic-991\\\"}"})", "tok-synthetic-991",
                 "<redacted>");
}

TEST(Redaction, Jwt) {
  const std::string jwt =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzeW50aGV0aWMiLCJleHAiOjF9."
      "c3ludGhldGljLXNpZ25hdHVyZS1ub3QtcmVhbA";
  ExpectRedacted("rejected session " + jwt + " (expired)", jwt.substr(40), "<jwt>");
  ExpectRedacted("cookie jar: " + jwt, "eyJzdWIiOiJzeW50aGV0aWMi", "<jwt>");
}

TEST(Redaction, PemPrivateKeysWholeAndCutOff) {
  const std::string rsa = PemBlock("RSA PRIVATE KEY", kPemBody);
  ExpectRedacted("loaded key:\n" + rsa + "\nok", "AASCBKcwggSjAgEAAoIB", "<private key>");
  ExpectRedacted(PemBlock("OPENSSH PRIVATE KEY", kPemBody), "AASCBKcwggSjAgEAAoIB",
                 "<private key>");
  // The value was cut (by a log shipper, a bundle converter) before the END line.
  const std::string cut_off = "config dump: " + rsa.substr(0, 200);
  ASSERT_EQ(cut_off.find("-----END"), std::string::npos);
  ExpectRedacted(cut_off, "AASCBKcwggSjAgEAAoIB", "<private key>");
  // Redact first, then cut: the cut cannot strip the END line from what the pattern sees.
  const std::string line = "tls: " + rsa + " trailing text";
  const std::string cut = RedactAndCut(line, 120);
  EXPECT_EQ(cut.find("AASCBKcwggSjAgEAAoIB"), std::string::npos) << cut;
  EXPECT_NE(cut.find("<private key>"), std::string::npos) << cut;
}

TEST(Redaction, AwsAccessKeyIdAndSecret) {
  ExpectRedacted("key AKIAQSYNTHETIC123456 used", "AKIAQSYNTHETIC123456", "<aws key>");
  ExpectRedacted("sts ASIAZSYNTHETIC999999", "ASIAZSYNTHETIC999999", "<aws key>");
  // The secret, with its field name and alone (as in "id secret" pairs).
  ExpectRedacted("aws_secret_access_key = Zq8sYnThEtIc/k3yN0tReAl+AbCdEfGhIjKlMn0P", "Zq8sYnThEtIc",
                 "<redacted>");
  ExpectRedacted("creds AKIAQSYNTHETIC123456 Zq8sYnThEtIc/k3yN0tReAl+AbCdEfGhIjKlMn0P",
                 "Zq8sYnThEtIc", "<aws secret>");
  // Commit hashes and URL paths of the same length are evidence, not secrets.
  EXPECT_EQ(Redact("commit 3f2a9c0d1e4b5a6978c0d1e2f3a4b5c6d7e8f901"),
            "commit 3f2a9c0d1e4b5a6978c0d1e2f3a4b5c6d7e8f901");
  EXPECT_EQ(Redact("GET /api/v1/orders/Ab12Cd/items/details/x1"),
            "GET /api/v1/orders/Ab12Cd/items/details/x1");
}

TEST(Redaction, GcpApiKeyAndServiceAccountJson) {
  ExpectRedacted("maps call key=AIzaSyDsYnThEtIc0123456789abcdefghijklm failed",
                 "AIzaSyDsYnThEtIc0123456789abcdefghijklm", "key=<gcp api key> failed");
  ExpectRedacted("url ?k=AIzaSyDsYnThEtIc0123456789abcdefghijklm&x=1", "SyDsYnThEtIc",
                 "<gcp api key>");
  // A service-account file as it shows up in a log line: newlines JSON-escaped.
  const std::string sa =
      R"({"type": "service_account", "project_id": "demo", "private_key_id": "9f8e7d6c5b4a39281706f5e4d3c2b1a0",)"
      R"( "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BSYNTHETICSYNTHETIC\n)"
      R"(AoIBAQC7SYNTHETICbody\n-----END PRIVATE KEY-----\n", "client_email": "x@demo.iam.gserviceaccount.com"})";
  const std::string out = Redact(sa);
  EXPECT_EQ(out.find("9f8e7d6c5b4a39281706f5e4d3c2b1a0"), std::string::npos) << out;
  EXPECT_EQ(out.find("SYNTHETIC"), std::string::npos) << out;
  EXPECT_NE(out.find("<private key>"), std::string::npos) << out;
  EXPECT_NE(out.find("service_account"), std::string::npos) << out;  // not a secret
}

TEST(Redaction, GitHubTokens) {
  for (const std::string token :
       {"ghp_SyntheticToken0123456789abcdefABCDEF12", "gho_SyntheticToken0123456789abcdefABCDEF12",
        "ghs_SyntheticToken0123456789abcdefABCDEF12",
        "github_pat_11SYNTHETIC0_abcdefghijklmnopqrstuvwxyz0123456789ABCDEF"})
    ExpectRedacted("git clone failed with " + token + " (401)", token.substr(4), "<github token>");
  ExpectRedacted("Authorization: token ghp_SyntheticToken0123456789abcdefABCDEF12",
                 "SyntheticToken0123456789", "<redacted>");
}

TEST(Redaction, SlackTokensAndWebhooks) {
  ExpectRedacted("notify via xoxb-123456789012-1234567890123-SyntheticSlackBot",
                 "SyntheticSlackBot", "<slack token>");
  ExpectRedacted("user xoxp-123456789012-123456789012-SyntheticUser", "SyntheticUser",
                 "<slack token>");
  ExpectRedacted("POST https://hooks.slack.com/services/T00SYNTH/B00SYNTH/SyntheticHookSecret0 500",
                 "SyntheticHookSecret0", "https://hooks.slack.com/<redacted>");
}

TEST(Redaction, StripeKeys) {
  ExpectRedacted("charge failed for sk_live_51SyntheticStripeKey0123456789", "51SyntheticStripeKey",
                 "<stripe key>");
  ExpectRedacted("restricted rk_live_51SyntheticRestricted0123", "51SyntheticRestricted",
                 "<stripe key>");
}

TEST(Redaction, UrlCredentialsKeepTheUserAndHost) {
  EXPECT_EQ(Redact("connect postgres://orders:S3cretSynth@db.internal:5432/orders failed"),
            "connect postgres://orders:<redacted>@db.internal:5432/orders failed");
  ExpectRedacted("redis://:SynthRedisPass@cache:6379/0", "SynthRedisPass", ":<redacted>@cache");
  ExpectRedacted("fetch https://deploy-bot:gh-SynthPass-1@git.example.com/repo.git",
                 "gh-SynthPass-1", "deploy-bot:<redacted>@");
  // No credentials, nothing to hide.
  EXPECT_EQ(Redact("GET http://api:8080/health"), "GET http://api:8080/health");
}

TEST(Redaction, AuthorizationHeadersInAnyLetterCase) {
  ExpectRedacted("authorization: basic c3ludGhldGljOnBhc3M=", "c3ludGhldGljOnBhc3M",
                 "authorization: basic <redacted>");
  ExpectRedacted("AUTHORIZATION: BEARER SynthBearer.abc", "SynthBearer", "<redacted>");
  ExpectRedacted("Authorization: Bearer SynthBearer.abc", "SynthBearer", "Bearer <redacted>");
  ExpectRedacted("bearer SynthLower123 sent", "SynthLower123", "bearer <redacted>");
  ExpectRedacted(
      R"({"headers":{"Authorization":"Digest username=\"a\", response=\"SynthDigest\""}})",
      "SynthDigest", "<redacted>");
  ExpectRedacted("Proxy-Authorization: Basic U3ludGhQcm94eQ==", "U3ludGhQcm94eQ", "<redacted>");
  ExpectRedacted("x-api-key: SynthApiKey42", "SynthApiKey42", "<redacted>");
}

TEST(Redaction, IsIdempotentAndCutsAtACharacterBoundary) {
  const std::string text =
      "password=x token: \"y\" postgres://u:p@h Authorization: Bearer z ghp_"
      "SyntheticToken0123456789abcdefABCDEF12";
  EXPECT_EQ(Redact(Redact(text)), Redact(text));
  // "é" is two bytes; a cut in its middle backs off to before it.
  EXPECT_EQ(RedactAndCut("caf\xc3\xa9", 4), "caf");
  EXPECT_EQ(RedactAndCut("caf\xc3\xa9", 5), "caf\xc3\xa9");
}

}  // namespace
}  // namespace quell::analysis::llm
