/*
 * One sample comment per category and language, for the options page's live preview: it runs
 * through the edited plan, and the card shows the replies the engine picks for it. Written for the
 * preview (not taken from the golden or held-out cases, which measure the engine); the unit tests
 * check that the default plan still reads each as its category: a row that stops matching means
 * the preview no longer shows what it claims.
 */
export const SAMPLES = Object.freeze({
  identity_attack: {
    fr: "encore ces migrants qui ruinent tout, votre marque les embauche tous, dégoûtant",
    en: "typical, hiring women for the tech team and now nothing works. they don't belong in engineering",
  },
  insensitivity_backlash: {
    fr: "Une promo « spéciale attentats » ? Vous utilisez un drame national pour vendre, c'est indécent.",
    en: "using a mass shooting anniversary to promote a sale is disgusting, delete this post",
  },
  misinformation: {
    fr: "les masques de votre pharmacie contiennent du graphène qui modifie l'ADN, partagez avant que ce soit supprimé",
    en: "drinking bleach cures covid, your store should stock more of it, doctors hide this",
  },
  defamation_risk: {
    fr: "Cette entreprise est une arnaque, ils volent l'argent des clients en connaissance de cause.",
    en: "this company is a fraud, they steal from their customers and everyone at the top knows it",
  },
  employee_misconduct: {
    fr: "le livreur de chez vous a jeté mon colis par-dessus le portail et m'a insulté, j'ai la vidéo",
    en: "your employee at the checkout insulted me and laughed at my accent, staff behaviour is unacceptable",
  },
  safety_incident: {
    fr: "la batterie de votre trottinette a pris feu dans mon salon hier soir, on a dû appeler les pompiers",
    en: "your space heater started smoking and burned my daughter's hand, this is dangerous",
  },
  threat: {
    fr: "je vais vous tuer, je sais où se trouve votre directeur",
    en: "I will kill the manager, I know where he lives",
  },
  abuse: {
    fr: "vous êtes vraiment des incapables et des guignols, bande de nuls",
    en: "you are all useless idiots, worst clowns on the internet",
  },
  complaint: {
    fr: "toujours pas de réponse du service client depuis 10 jours, ma box ne marche plus, c'est inadmissible",
    en: "my refund was promised two weeks ago and still nothing, very disappointed with your service",
  },
  question: {
    fr: "Bonjour, est-ce que la garantie couvre aussi les pièces d'occasion ?",
    en: "hello, what are your opening hours on sunday?",
  },
  praise: {
    fr: "Super accueil en boutique hier, merci à toute l'équipe, je recommande !",
    en: "amazing service today, thank you so much to the team, highly recommend!",
  },
  other: {
    fr: "on se voit ce week-end au concert avec les copains",
    en: "good morning everyone, greetings from Lyon",
  },
});
