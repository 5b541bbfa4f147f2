package dev.haul.transport.netty;

import dev.haul.spi.Transport;
import dev.haul.testkit.AbstractTransportContractTest;
import java.security.cert.X509Certificate;
import java.util.List;

class NettyTransportContractTest extends AbstractTransportContractTest {
  @Override
  protected Transport createTransport(List<X509Certificate> trusted) {
    return new NettyTransport(NettyTransportConfig.builder()
        .trust(trusted.toArray(new X509Certificate[0])).build());
  }
}
