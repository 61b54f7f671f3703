-- nvim-lspconfig before 0.1.8 looked configs up under server_configurations/.
return require('lspconfig.configs.django_expert')
