// the reference of this gateway's own contract; nothing is loaded from outside the gateway
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#reference",
  deepLinking: true,
  validatorUrl: null
});
