package dev.haul.testkit;

import static java.util.Objects.requireNonNull;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * A certificate authority and a server certificate generated at start-up, for TLS tests. The
 * server presents the leaf; clients trust {@link #trustedCertificate()} (the CA).
 *
 * <p>{@link #localhost()} covers {@code localhost}, {@code 127.0.0.1} and {@code ::1};
 * {@link #forNames} makes one for other names, for example to prove that hostname verification
 * rejects a certificate issued to someone else.
 */
public final class TlsIdentity {

  private final X509Bundle root;
  private final X509Bundle leaf;
  private final List<String> names;

  private TlsIdentity(X509Bundle root, X509Bundle leaf, List<String> names) {
    this.root = root;
    this.leaf = leaf;
    this.names = names;
  }

  /** An identity for localhost and the loopback addresses. */
  public static TlsIdentity localhost() {
    return forNames(List.of("localhost", "127.0.0.1", "::1"));
  }

  /** An identity for these DNS names and IP literals. */
  public static TlsIdentity forNames(List<String> names) {
    requireNonNull(names, "names is null");
    try {
      Instant now = Instant.now();
      X509Bundle root = new CertificateBuilder()
          .subject("CN=Haul testkit CA " + now.toEpochMilli())
          .setIsCertificateAuthority(true)
          .notBefore(now.minus(Duration.ofDays(1)))
          .notAfter(now.plus(Duration.ofDays(30)))
          .ecp256()
          .buildSelfSigned();
      CertificateBuilder leaf = new CertificateBuilder()
          .subject("CN=" + names.get(0))
          .notBefore(now.minus(Duration.ofDays(1)))
          .notAfter(now.plus(Duration.ofDays(30)))
          .ecp256()
          .addExtendedKeyUsageServerAuth();
      for (String n : names) {
        if (n.matches("[0-9.]+") || n.contains(":")) {
          leaf.addSanIpAddress(n);
        } else {
          leaf.addSanDnsName(n);
        }
      }
      return new TlsIdentity(root, leaf.buildIssuedBy(root), List.copyOf(names));
    } catch (Exception e) {
      throw new IllegalStateException("cannot generate a test certificate", e);
    }
  }

  /** The CA certificate a client must trust. */
  public X509Certificate trustedCertificate() {
    return root.getCertificate();
  }

  /** The names the server certificate is valid for. */
  public List<String> names() {
    return names;
  }

  /** A Netty server context presenting the leaf certificate. */
  public SslContext serverContext() {
    try {
      return SslContextBuilder.forServer(leaf.getKeyPair().getPrivate(), leaf.getCertificatePath())
          .protocols("TLSv1.3", "TLSv1.2")
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the server TLS context", e);
    }
  }
}
