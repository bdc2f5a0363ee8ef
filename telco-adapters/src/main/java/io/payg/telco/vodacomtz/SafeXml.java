package io.payg.telco.vodacomtz;

import io.payg.domain.payment.Refusal;
import io.payg.telco.support.Rejection;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Objects;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.EntityResolver;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * XML from outside, parsed so that it can only ever be data: no DOCTYPE (so no entity
 * definitions at all: no billion laughs, no XXE), no external entities or DTDs, no XInclude, no
 * entity expansion, JAXP secure processing with its limits, a maximum element depth, and a size
 * cap applied by the caller before parsing.
 *
 * <p>The factory is configured once, in the class initializer; a configuration the JDK refuses
 * fails the class loudly instead of parsing unsafely. Builders are not thread-safe, so each
 * thread keeps its own, reset before every use (a parse that failed half-way leaves nothing behind).
 *
 * <p>Every failure is a {@link Rejection} ({@link Refusal#MALFORMED_REQUEST}) whose message never
 * contains any part of the document.
 */
public final class SafeXml {

  private static final DocumentBuilderFactory FACTORY = factory();

  private static final ErrorHandler FAIL_ON_ERROR = new ErrorHandler() {
    @Override
    public void warning(SAXParseException e) {
      // warnings do not make a document unsafe; nothing is printed
    }

    @Override
    public void error(SAXParseException e) throws SAXException {
      throw e;
    }

    @Override
    public void fatalError(SAXParseException e) throws SAXException {
      throw e;
    }
  };

  /** Never reached with DOCTYPE refused; kept as a second lock on the same door. */
  private static final EntityResolver NO_ENTITIES = (publicId, systemId) -> {
    throw new SAXException("external entities are not allowed");
  };

  private static final ThreadLocal<DocumentBuilder> BUILDER = ThreadLocal.withInitial(() -> {
    try {
      return FACTORY.newDocumentBuilder();
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("cannot create a secure XML parser", e);
    }
  });

  private SafeXml() {}

  public static DocumentBuilderFactory factory() {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    try {
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature("http://xml.org/sax/features/external-general-entities", false);
      f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the XML parser cannot be configured securely", e);
    }
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    try {
      // the JDK's own limit on nesting (unlimited by default); the size cap bounds it anyway
      f.setAttribute("http://www.oracle.com/xml/jaxp/properties/maxElementDepth", "32");
    } catch (IllegalArgumentException notTheJdkParser) {
      // another JAXP implementation: the body size cap still bounds the depth
    }
    f.setXIncludeAware(false);
    f.setExpandEntityReferences(false);
    f.setNamespaceAware(true);
    f.setValidating(false);
    f.setIgnoringComments(true);
    f.setCoalescing(true);
    return f;
  }

  /** The document in {@code body}, or a {@link Rejection}. The caller caps the size first. */
  static Document parse(byte[] body) {
    DocumentBuilder builder = BUILDER.get();
    builder.reset();
    builder.setErrorHandler(FAIL_ON_ERROR);
    builder.setEntityResolver(NO_ENTITIES);
    try {
      InputSource source = new InputSource(new ByteArrayInputStream(body));
      return builder.parse(source);
    } catch (SAXException | IOException | RuntimeException e) {
      // the parser's message may quote the document (or a file it was asked to read): never pass it
      // on
      throw new Rejection(
          Refusal.MALFORMED_REQUEST, "the body is not a well-formed XML document without DOCTYPE");
    } finally {
      builder.reset();
    }
  }

  /**
   * The only child element of {@code parent} named {@code localName} in {@code namespace} (null:
   * none), or null; twice is malformed (which one would count?).
   */
  static Element child(Element parent, String namespace, String localName) {
    Element found = null;
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n.getNodeType() == Node.ELEMENT_NODE
          && localName.equals(n.getLocalName())
          && Objects.equals(namespace, n.getNamespaceURI())) {
        if (found != null) {
          throw new Rejection(
              Refusal.MALFORMED_REQUEST, "<" + localName + "> appears more than once");
        }
        found = (Element) n;
      }
    }
    return found;
  }

  /**
   * The trimmed text of a leaf element (CDATA included); null when the element is absent. An
   * element with elements inside is malformed: the fields of this protocol are all text.
   */
  static String text(Element parent, String namespace, String localName) {
    Element e = child(parent, namespace, localName);
    if (e == null) {
      return null;
    }
    StringBuilder text = new StringBuilder();
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      switch (n.getNodeType()) {
        case Node.TEXT_NODE, Node.CDATA_SECTION_NODE -> text.append(n.getNodeValue());
        case Node.COMMENT_NODE, Node.PROCESSING_INSTRUCTION_NODE -> {}
        default ->
          throw new Rejection(Refusal.MALFORMED_REQUEST, "<" + localName + "> must hold text only");
      }
    }
    return text.toString().trim();
  }

  /** Text for an XML element's content: the five special characters escaped, controls dropped. */
  public static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> {
          if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
