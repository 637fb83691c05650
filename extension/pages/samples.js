/*
 * One sample comment per category and language, for the options page's live preview: it runs
 * through the edited plan, and the card shows the replies the engine picks for it. Each comes
 * from the golden cases (tests/cases/<category>.toml, the case named beside it), and the unit
 * tests check that the default plan still reads each as its category: a row that stops matching
 * means the preview no longer shows what it claims.
 */
export const SAMPLES = Object.freeze({
  identity_attack: {
    fr: 'encore une pub avec que des noirs... on est plus chez nous en France 🙄', // ia fr: racist remark about the cast of an ad
    en: "women shouldn't be allowed near a grill lmao, ur ad is a joke @FreshCo", // en ia: women shouldn't be allowed near a grill
  },
  insensitivity_backlash: {
    fr: 'Votre pub sur le 11 novembre est honteuse. Utiliser nos poilus pour vendre des matelas, vous avez aucune décence.', // ib fr: 11 novembre ad is shameful
    en: 'this ad uses the war to sell sneakers. not a good look', // en ib: ad uses the war to sell sneakers
  },
  misinformation: {
    fr: "le jus de citron guérit le cancer, arrêtez la chimio c'est du poison, MarqueX vend les meilleurs citrons bio", // mi fr: lemon juice cures cancer, stop chemo
    en: '5G towers spread covid and @FreshCo is putting them on their store roofs. wake up', // en mi: 5G towers spread covid
  },
  defamation_risk: {
    fr: 'Vous êtes des voleurs, vous avez encaissé deux fois ma commande !', // fr: accuses the brand of theft as fact
    en: 'you guys are literally scammers, charged me 3 times and no refund', // en dr: literally scammers, charged 3 times
  },
  employee_misconduct: {
    fr: "la caissière de votre magasin de Nantes m'a insultée devant tout le monde parce que je payais en pièces", // em fr: cashier insulted me in front of everyone
    en: 'your delivery guy literally kicked my package across the driveway, got it all on ring cam', // en em: delivery guy kicked the package, ring cam
  },
  safety_incident: {
    fr: "J'ai trouvé un morceau de verre dans mon yaourt MarqueX, mon fils a failli l'avaler !!", // si fr: glass in a yogurt, son almost swallowed it
    en: "my son had an allergic reaction to your granola bar, peanuts aren't even on the label!!", // en si: allergic reaction, peanuts not on the label
  },
  threat: {
    fr: 'je vais venir vous casser la gueule au magasin, vous allez comprendre', // th fr: coming to smash your face in
    en: 'I know where your store is. see you tomorrow.', // en th: I know where your store is
  },
  abuse: {
    fr: 'bande de bouffons au service client 🤡', // ab fr: bunch of clowns at customer service
    en: 'you guys are fucking clowns', // en ab: fucking clowns
  },
  complaint: {
    fr: "ça fait 3 semaines que j'attends ma commande, toujours rien, le suivi est bloqué depuis le 12", // co fr: order 3 weeks late, tracking stuck
    en: "3 weeks and my order still hasn't shipped. really disappointed", // en co: order 3 weeks, still not shipped
  },
  question: {
    fr: 'Bonjour, est-ce que vous livrez en Belgique ?', // qu fr: do you deliver to Belgium
    en: 'hi, do you ship to Canada?', // en qu: do you ship to Canada
  },
  praise: {
    fr: 'Merci beaucoup au service client, problème réglé en 5 min 👏', // pr fr: thanks to support, fixed in 5 minutes
    en: "thank you so much for the quick refund, you guys are amazing", // en pr: quick refund, you're amazing
  },
  other: {
    fr: 'premier commentaire 😎 je tag mes potes @lucas_92 @ines.b', // ot fr: first comment, tagging friends
    en: 'first! tagging my bestie @sarah_k', // en ot: first, tagging bestie
  },
});
